package dev.mortar.bench;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.cluster.ClusterBootstrap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Drives the brick protocol directly, over the clustered event bus between two Vert.x nodes on loopback (the path a
 * remote client takes), and does the same operations on a local directory of the same disk in the same run.
 * Prints operations per second, medians of the runs, and the ratio brick / local. Not a test: a slow, shared
 * machine changes the numbers, not a verdict.
 *
 * <p>Usage: {@code bin/bench-brick [DIR] [RUNS]} (DIR: where to put the brick and the local directory, default a
 * temporary directory; RUNS: default 3).
 */
public final class BrickBench {
  private static final int SMALL = 4 << 10;
  private static final int BIG = 1 << 20;
  private static final int CREATES = 2_000;
  private static final int SMALL_WRITES = 5_000;
  private static final int STATS = 10_000;
  private static final int BIG_WRITES = 256;
  private static final int IN_FLIGHT = 16;
  private static final String VOLUME_ID = "bench";

  private final Path base;
  private final int runs;
  private Vertx brickNode;
  private Vertx clientNode;
  private RemoteBrick remote;

  private BrickBench(Path base, int runs) {
    this.base = base;
    this.runs = runs;
  }

  public static void main(String[] args) throws Exception {
    Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mortar-bench");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    BrickBench b = new BrickBench(base, runs);
    try {
      b.start();
      b.run();
    } finally {
      b.stop();
    }
    System.exit(0);
  }

  private void start() throws Exception {
    String pool = UUID.randomUUID().toString();
    brickNode = await(ClusterBootstrap.start("127.0.0.1", 24508, 24509, pool, List.of(), false,
        new SimpleMeterRegistry()));
    clientNode = await(ClusterBootstrap.start("127.0.0.1", 24518, 24519, pool, List.of("127.0.0.1:24508"), true,
        new SimpleMeterRegistry()));
    Path brick = base.resolve("brick");
    await(brickNode.deployVerticle(new BrickVerticle("bench", VOLUME_ID, 0, brick, "127.0.0.1:" + brick, 24509,
        new SimpleMeterRegistry())));
    remote = new RemoteBrick(clientNode, Addresses.brick(VOLUME_ID, 0), 60_000);
    for (int i = 0; i < 100; i++) { // the client learns the brick's address once the cluster has settled
      try {
        call(Requests.Status.INSTANCE);
        return;
      } catch (Exception e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the brick did not answer over the event bus");
  }

  private void stop() throws Exception {
    if (clientNode != null) {
      await(clientNode.close());
    }
    if (brickNode != null) {
      await(brickNode.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private <R> R call(BrickRequest<R> request) throws Exception {
    return await(remote.call(request));
  }

  private static Requests.Create create(String path, boolean exclusive) {
    return new Requests.Create(path, 0644, -1, -1, null, exclusive, 0, null, 0, Buffer.buffer());
  }

  private static Requests.Write write(String path, long offset, Buffer data) {
    return new Requests.Write(path, offset, 0, null, data);
  }

  /** One workload: {@code ops} operations, {@code op.call(i)} doing the i-th; with {@code threads} at once. */
  private static double opsPerSecond(int ops, int threads, IntOp op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long t0 = System.nanoTime();
      List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        parts.add(pool.submit((Callable<Void>) () -> {
          for (int i = first; i < ops; i += threads) {
            op.run(i);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> p : parts) {
        p.get();
      }
      return ops / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  @FunctionalInterface
  private interface IntOp {
    void run(int i) throws Exception;
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "Brick protocol vs a local directory, %s, medians of %d runs%n", base, runs);
    System.out.printf(Locale.ROOT, "(brick: over the clustered event bus on loopback; 1 = one request at a time,"
        + " %d = %d requests in flight)%n%n", IN_FLIGHT, IN_FLIGHT);
    System.out.printf(Locale.ROOT, "%-22s %12s %12s %12s %10s %10s%n", "workload", "local ops/s", "brick 1",
        "brick " + IN_FLIGHT, "ratio 1", "ratio " + IN_FLIGHT);
    byte[] small = new byte[SMALL];
    byte[] big = new byte[BIG];
    new SplittableRandom(1).nextBytes(small);
    new SplittableRandom(2).nextBytes(big);
    Buffer smallBuf = Buffer.buffer(small);
    Buffer bigBuf = Buffer.buffer(big);
    Path local = base.resolve("local");

    report("create 4 KiB files", r -> {
      Path d = Files.createDirectories(local.resolve("c" + r));
      return opsPerSecond(CREATES, 1, i -> Files.write(d.resolve("f" + i), small, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE));
    }, (r, n) -> {
      String d = "/c" + r + "-" + n;
      call(new Requests.Mkdir(d, 0755, -1, -1, null, 0));
      return opsPerSecond(CREATES, n, i -> {
        call(create(d + "/f" + i, true));
        call(write(d + "/f" + i, 0L, smallBuf));
      });
    });

    long smallFileSize = 64L << 20;
    report("4 KiB random writes", r -> {
      Path f = local.resolve("w" + r);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.truncate(0);
        SplittableRandom rnd = new SplittableRandom(r);
        return opsPerSecond(SMALL_WRITES, 1, i -> ch.write(ByteBuffer.wrap(small),
            rnd.nextLong(smallFileSize / SMALL) * SMALL));
      }
    }, (r, n) -> {
      String f = "/w" + r + "-" + n;
      call(create(f, false));
      call(new Requests.Truncate(f, smallFileSize));
      return opsPerSecond(SMALL_WRITES, n, i -> {
        long off = new SplittableRandom(i).nextLong(smallFileSize / SMALL) * SMALL;
        call(write(f, off, smallBuf));
      });
    });

    report("stat", r -> {
      Path d = local.resolve("c0");
      return opsPerSecond(STATS, 1, i -> Files.readAttributes(d.resolve("f" + (i % CREATES)), "unix:*",
          LinkOption.NOFOLLOW_LINKS));
    }, (r, n) -> opsPerSecond(STATS, n, i -> call(new Requests.Lookup("/c0-1/f" + (i % CREATES)))));

    report("1 MiB sequential writes", r -> {
      Path f = local.resolve("b" + r);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        return opsPerSecond(BIG_WRITES, 1, i -> ch.write(ByteBuffer.wrap(big), (long) i * BIG));
      } finally {
        Files.delete(f);
      }
    }, (r, n) -> {
      String f = "/b" + r + "-" + n;
      call(create(f, false));
      try {
        return opsPerSecond(BIG_WRITES, n, i -> call(write(f, (long) i * BIG, bigBuf)));
      } finally {
        call(new Requests.Unlink(f));
      }
    });
    System.out.printf(Locale.ROOT, "%n1 MiB writes: ops/s = MiB/s. Ratios above 1 would mean the brick beats the"
        + " local directory (the brick's writes land in the page cache like the local ones).%n");
  }

  @FunctionalInterface
  private interface LocalRun {
    double run(int r) throws Exception;
  }

  @FunctionalInterface
  private interface BrickRun {
    double run(int r, int inFlight) throws Exception;
  }

  private void report(String name, LocalRun local, BrickRun brick) throws Exception {
    double[] l = new double[runs];
    double[] b1 = new double[runs];
    double[] bn = new double[runs];
    for (int r = 0; r < runs; r++) {
      l[r] = local.run(r);
      b1[r] = brick.run(r, 1);
      bn[r] = brick.run(r, IN_FLIGHT);
    }
    double ml = median(l);
    double m1 = median(b1);
    double mn = median(bn);
    System.out.printf(Locale.ROOT, "%-22s %12.0f %12.0f %12.0f %10.2f %10.2f%n", name, ml, m1, mn, m1 / ml, mn / ml);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

}
