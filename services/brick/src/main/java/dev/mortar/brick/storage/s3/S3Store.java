package dev.mortar.brick.storage.s3;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.config.Setting;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;

/**
 * The objects of one brick in its bucket, through the MinIO SDK. Blocking: call from a worker thread.
 *
 * <p>Every request is timed and counted ({@code mortar_s3_requests_seconds} by type and outcome,
 * {@code mortar_s3_bytes_total} up and down). A store that does not answer within a few seconds, refuses the
 * connection or answers 5xx is <em>unavailable</em>: the store is marked offline, and until {@link #probe} finds it
 * again every request fails at once with ENOTCONN, so clients see the brick down instead of waiting on it.
 */
public final class S3Store {
  private static final Logger LOG = Logger.getLogger(S3Store.class.getName());
  /** Short on purpose: a hung store must turn into "brick offline" well before a client gives up on a write. */
  private static final long CONNECT_TIMEOUT_MS = 2_000;
  private static final long IO_TIMEOUT_MS = 5_000;
  private static final Set<String> UNAVAILABLE_CODES = Set.of("SlowDown", "ServiceUnavailable", "InternalError",
      "RequestTimeout");

  /** One object as a listing shows it. */
  public record Entry(String key, long size, Instant lastModified) {}

  private final MinioClient client;
  private final S3Location location;
  private final String endpoint;
  private final MeterRegistry registry;
  private final String volume;
  private final String brick;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Counter bytesUp;
  private final Counter bytesDown;
  private volatile boolean online = true;

  public S3Store(S3Config config, S3Location location, MeterRegistry registry, String volume, String brick) {
    this.location = location;
    this.endpoint = config.endpoint();
    this.registry = registry;
    this.volume = volume;
    this.brick = brick;
    OkHttpClient http = new OkHttpClient.Builder()
        .connectTimeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .readTimeout(IO_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .writeTimeout(IO_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .build();
    this.client = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
        .credentials(config.accessKey(), config.secretKey()).httpClient(http, true).build();
    bytesUp = bytes("up");
    bytesDown = bytes("down");
  }

  private Counter bytes(String direction) {
    return Counter.builder("mortar_s3_bytes_total").description("Bytes sent to and received from the object store")
        .tag("volume", volume).tag("brick", brick).tag("direction", direction).register(registry);
  }

  public S3Location location() {
    return location;
  }

  public boolean online() {
    return online;
  }

  // ---- requests ----

  public void put(String key, byte[] data) {
    call("put", key, () -> {
      client.putObject(PutObjectArgs.builder().bucket(location.bucket()).object(location.key(key))
          .stream(new ByteArrayInputStream(data), data.length, -1).build());
      bytesUp.increment(data.length);
      return null;
    });
  }

  /** The whole object, or null when there is none. */
  public byte[] get(String key) {
    return call("get", key, () -> {
      try (GetObjectResponse r = client.getObject(GetObjectArgs.builder().bucket(location.bucket())
          .object(location.key(key)).build())) {
        byte[] b = r.readAllBytes();
        bytesDown.increment(b.length);
        return b;
      } catch (ErrorResponseException e) {
        if ("NoSuchKey".equals(e.errorResponse().code())) {
          return null;
        }
        throw e;
      }
    });
  }

  public void delete(String key) {
    call("delete", key, () -> {
      client.removeObject(RemoveObjectArgs.builder().bucket(location.bucket()).object(location.key(key)).build());
      return null;
    });
  }

  /** Every object under {@code relativePrefix} (keys relative to the brick), in key order. */
  public List<Entry> list(String relativePrefix) {
    return call("list", relativePrefix, () -> {
      String base = location.key("");
      List<Entry> out = new ArrayList<>();
      for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(location.bucket())
          .prefix(base + relativePrefix).recursive(true).build())) {
        Item i = r.get();
        out.add(new Entry(i.objectName().substring(base.length()), i.size(),
            i.lastModified() == null ? Instant.EPOCH : i.lastModified().toInstant()));
      }
      return out;
    });
  }

  /** Creates the bucket if there is none (a fresh MinIO has none). */
  public void ensureBucket() {
    call("bucket", "", () -> {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(location.bucket()).build())) {
        try {
          client.makeBucket(MakeBucketArgs.builder().bucket(location.bucket()).build());
          LOG.info("created bucket " + location.bucket() + " for brick " + brick);
        } catch (ErrorResponseException e) {
          if (!e.errorResponse().code().startsWith("BucketAlready")) { // another brick made it meanwhile: fine
            throw e;
          }
        }
      }
      return null;
    });
  }

  /** Asks the store whether it is back; marks it online when it answers. */
  public boolean probe() {
    try {
      timed("probe", "", () -> client.bucketExists(BucketExistsArgs.builder().bucket(location.bucket()).build()));
      if (!online) {
        online = true;
        LOG.info("the object store of brick " + brick + " answers again: the brick is back online");
      }
      return true;
    } catch (BrickException e) {
      return false;
    }
  }

  @FunctionalInterface
  private interface S3Call<T> {
    T run() throws Exception;
  }

  private <T> T call(String type, String key, S3Call<T> body) {
    if (!online) {
      throw new BrickException(Errno.ENOTCONN, "brick " + brick + " is offline: its object store did not answer;"
          + " it is used again once it does");
    }
    return timed(type, key, body);
  }

  private <T> T timed(String type, String key, S3Call<T> body) {
    long t0 = System.nanoTime();
    String outcome = "ok";
    try {
      return body.run();
    } catch (Exception e) {
      BrickException b = classify(type, key, e);
      outcome = b.errno() == Errno.ENOTCONN ? "unavailable" : "error";
      throw b;
    } finally {
      timer(type, outcome).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }
  }

  private BrickException classify(String type, String key, Exception e) {
    boolean unavailable = e instanceof IOException || e instanceof ServerException
        || (e instanceof ErrorResponseException r && (UNAVAILABLE_CODES.contains(r.errorResponse().code())
        || r.response() != null && r.response().code() >= 500));
    if (unavailable) {
      if (online) {
        online = false;
        LOG.warning("the object store of brick " + brick + " is unavailable (" + type + " " + key + ": "
            + reason(e) + "); the brick is offline until it answers again; writes go on to the other bricks"
            + " and are healed here later. Check the store at this node's " + Setting.S3_ENDPOINT.key);
      }
      return new BrickException(Errno.ENOTCONN, "brick " + brick + ": its object store is unavailable: "
          + reason(e));
    }
    if (e instanceof ErrorResponseException r && ("AccessDenied".equals(r.errorResponse().code())
        || "SignatureDoesNotMatch".equals(r.errorResponse().code())
        || "InvalidAccessKeyId".equals(r.errorResponse().code()))) {
      return new BrickException(Errno.EACCES, "brick " + brick + ": the object store refused the node's"
          + " credentials (" + r.errorResponse().code() + "); check " + Setting.S3_ACCESS_KEY.env()
          + " and " + Setting.S3_SECRET_KEY.env());
    }
    LOG.warning("brick " + brick + ": " + type + " " + key + " failed: " + reason(e));
    return new BrickException(Errno.EIO, "brick " + brick + ": object store " + type + " " + key + " failed: "
        + reason(e));
  }

  /** Why a request failed, without the endpoint (the SDK's messages name it, and dump the request). */
  private String reason(Exception e) {
    if (e instanceof ErrorResponseException r) {
      return r.errorResponse().code() + " (" + r.errorResponse().message() + ")";
    }
    String m = String.valueOf(e.getMessage());
    String hostPort = endpoint.replaceFirst("^[a-zA-Z]+://", "").replaceFirst("/.*$", "");
    return e.getClass().getSimpleName() + ": " + m.replace(endpoint, "the endpoint")
        .replace(hostPort, "the endpoint");
  }

  private Timer timer(String type, String outcome) {
    return timers.computeIfAbsent(type + "/" + outcome, k -> Timer.builder("mortar_s3_requests_seconds")
        .description("Object store requests of S3 bricks by type and outcome (ok, error, unavailable)")
        .tag("volume", volume).tag("brick", brick).tag("type", type).tag("outcome", outcome).register(registry));
  }
}
