package dev.mortar.client.fuse;

import dev.mortar.client.local.LocalBrickFiles;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.MgmtOp;
import dev.mortar.common.cluster.ClusterBootstrap;
import dev.mortar.common.config.ClientTunables;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code mortar mount HOST:/VOLUME DIR}: asks the named node for the volume's layout, joins the pool as a member that
 * holds no cluster data (a Hazelcast lite member: it talks to every brick, and keeps working when the named node
 * dies), and serves the volume through FUSE until it is unmounted.
 */
public final class MortarMount {
  private static final Logger LOG = Logger.getLogger(MortarMount.class.getName());

  /** How long an unmount (or SIGTERM) may take to end the last write sessions and leave the cluster. */
  private static final long SHUTDOWN_WAIT_SECONDS = 30;

  private MortarMount() {}

  /** Mounts and blocks until the volume is unmounted ({@code umount DIR}, or SIGTERM). */
  public static void run(MountSpec spec, Path dir, MountOptions options) throws Exception {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("mount point " + dir + " does not exist or is not a directory");
    }
    try (var entries = Files.list(dir)) { // FUSE refuses it too, but only after the pool was joined
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("mount point " + dir + " is not empty; use an empty directory (or umount"
            + " what is mounted there)");
      }
    }
    JsonObject info = mountInfo(spec);
    Volume volume = Volume.fromJson(info.getJsonObject("volume"));
    if (volume.replicaSets() != 1) {
      throw new IllegalArgumentException("volume " + volume.name() + " has " + volume.replicaSets()
          + " replica sets; this client mounts volumes of one replica set");
    }
    InetAddress local = localAddressTowards(spec);
    List<String> members = new ArrayList<>();
    info.getJsonArray("members").forEach(m -> members.add((String) m));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = ClusterBootstrap.start(local.getHostAddress(), freePort(local), freePort(local),
        info.getString("poolId"), members, true, registry).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    // On SIGTERM jnr-fuse's own shutdown hook unmounts, and this thread goes on to end the last write sessions;
    // the JVM waits for that (a while at most) instead of halting as soon as the unmount is done.
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread waitForCleanUp = new Thread(() -> {
      try {
        cleanedUp.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "mortar-mount-shutdown");
    Runtime.getRuntime().addShutdownHook(waitForCleanUp);
    try {
      long timeoutMs = Long.parseLong(VolumeOptions.effective(volume, VolumeOptions.PING_TIMEOUT)) * 1000;
      List<BrickClient> bricks = new ArrayList<>();
      for (int i = 0; i < volume.bricks().size(); i++) {
        Brick b = volume.bricks().get(i);
        BrickClient c = new BrickClient(vertx, volume.id(), i, b, isLocal(b.host()), timeoutMs);
        if (c.isLocal() && !b.arbiter() && b.path().startsWith("/")) { // not an s3:// brick
          c.localFiles(new LocalBrickFiles(b.path(), b.name(), registry));
        }
        bricks.add(c);
      }
      // Which bricks answer now; the others are written around until they come back.
      Future.join(bricks.stream().map(BrickClient::probe).toList()).toCompletionStage().toCompletableFuture()
          .exceptionally(e -> null).get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
      ReplicaSet rs = new ReplicaSet(vertx, bricks, timeoutMs + 1_000, volume);
      // Every status period: which bricks are back, and which are blamed for missed changes (reads avoid those).
      vertx.setPeriodic(ClientTunables.STATUS_PERIOD_MS.get(), t -> Future.join(bricks.stream()
          .map(BrickClient::probe).toList()).onComplete(x -> rs.forgetHealed()));
      followVolume(vertx, volume.name(), bricks, rs);
      serveMetrics(vertx, registry, local, options.metricsPort());
      long cacheMs = Long.parseLong(VolumeOptions.effective(volume, VolumeOptions.MD_CACHE_TIMEOUT)) * 1000;
      MortarFs fs = new MortarFs(rs, vertx, cacheMs, registry);
      List<String> args = new ArrayList<>(options.fuseArgs());
      String cacheSeconds = VolumeOptions.effective(volume, VolumeOptions.MD_CACHE_TIMEOUT);
      args.add("-o");
      // The kernel keeps no attributes (attr_timeout=0): with libfuse's path API each name of a hard-linked file is
      // an inode of its own there, and a link or unlink through one name would leave the others' link count and
      // ctime stale for the cache time. Every stat(2) is answered by the mount's own cache instead (AttrCache).
      // Nor absent names (negative_timeout=0): the mount checks search permission itself (Permissions), and a name
      // the kernel remembered as absent would answer ENOENT to a caller who may not search its directory (EACCES).
      // The mount's own listing answers those lookups (DirectoryNames).
      args.add("fsname=" + spec.host() + ":/" + spec.volume() + ",subtype=mortar,attr_timeout=0"
          + ",entry_timeout=" + cacheSeconds + ",negative_timeout=0");
      LOG.info("mounting " + spec.host() + ":/" + volume.name() + " on " + dir + " (" + bricks.size() + " bricks, "
          + bricks.stream().filter(BrickClient::isUp).count() + " up)");
      KernelReadAhead.setWhenMounted(dir, options.readAheadKb());
      fs.mount(dir, true, false, args.toArray(String[]::new));
      fs.settleAll(); // new files whose handles the kernel dropped at unmount without a close; unlinks on their way
      try {
        rs.await(rs.sessionEnds().flush()); // the last sessions' dirty marks and locks, before the event bus goes
      } catch (RuntimeException e) {
        LOG.warning("the last write sessions did not end on every brick (heal checks those files): " + e);
      }
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
      } finally {
        cleanedUp.countDown();
      }
    }
  }

  /**
   * Follows changes made to the volume after mounting: every node publishes each new pool generation, and the
   * client then asks that node for the volume again (a new {@code network.ping-timeout}; a stopped volume).
   */
  private static void followVolume(Vertx vertx, String name, List<BrickClient> bricks, ReplicaSet rs) {
    long[] seen = {-1};
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_STATE, m -> {
      long generation = m.body().getLong("generation", 0L);
      if (generation <= seen[0]) {
        return;
      }
      seen[0] = generation;
      vertx.eventBus().<JsonObject>request(Addresses.mgmt(m.body().getString("node")),
              new JsonObject().put("name", name),
              new DeliveryOptions().addHeader(MgmtOp.HEADER, MgmtOp.VOLUME_MOUNT_INFO.name()).setSendTimeout(5000))
          .onSuccess(r -> {
            Volume v = Volume.fromJson(r.body().getJsonObject("volume"));
            long timeout = Long.parseLong(VolumeOptions.effective(v, VolumeOptions.PING_TIMEOUT)) * 1000;
            bricks.forEach(b -> b.timeout(timeout));
            rs.follow(v);
          })
          .onFailure(e -> LOG.warning("volume " + name + " changed: " + e.getMessage()
              + "; operations fail while its bricks are away"));
    });
  }

  /** The mount's own metrics (per operation: count, latency, errors; brick bytes) as Prometheus text, like a node's. */
  private static void serveMetrics(Vertx vertx, PrometheusMeterRegistry registry, InetAddress on, int port)
      throws Exception {
    var server = vertx.createHttpServer().requestHandler(req -> {
      if ("/metrics".equals(req.path())) {
        vertx.executeBlocking(registry::scrape, false).onComplete(ar -> req.response()
            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(ar.succeeded() ? ar.result() : "# " + ar.cause()));
      } else {
        req.response().setStatusCode(404).end("only /metrics here\n");
      }
    }).listen(port, on.getHostAddress()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    LOG.info("mount metrics on http://" + on.getHostAddress() + ":" + server.actualPort() + "/metrics");
  }

  /** The volume's layout from the named node's admin API (GlusterFS fetches its volfile the same way). */
  private static JsonObject mountInfo(MountSpec spec) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create("http://" + hostForUri(spec.host()) + ":" + spec.adminPort() + "/api/v1/volumes/"
        + spec.volume() + "/mount");
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException("cannot reach the mortar node at " + spec.host() + ":" + spec.adminPort() + " ("
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
          + "); check that 'mortar node' runs there", e);
    }
    JsonObject body = new JsonObject(r.body());
    if (r.statusCode() != 200) {
      throw new IllegalArgumentException(body.getString("message", "HTTP " + r.statusCode()));
    }
    return body;
  }

  private static String hostForUri(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** The address of this machine that the named node is reached from: bricks answer us there. */
  private static InetAddress localAddressTowards(MountSpec spec) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(InetAddress.getByName(spec.host()), spec.adminPort());
      return s.getLocalAddress();
    }
  }

  private static int freePort(InetAddress on) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, on)) {
      return s.getLocalPort();
    }
  }

  /** A brick on this machine is read first. */
  private static boolean isLocal(String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
    } catch (IOException e) {
      return false;
    }
  }
}
