package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the client service (keys {@code client.*}); see {@link Tunable}. */
public final class ClientTunables {
  private ClientTunables() {}

  public static final Tunable WRITE_BEHIND_REQUESTS = Tunable.of("client.write-behind.requests", 64,
      "gathered writes of one open file on their way to the bricks at once before the next write waits");

  public static final Tunable WRITE_BEHIND_BYTES = Tunable.of("client.write-behind.bytes", 16L << 20,
      "bytes of one open file acknowledged to the program and not yet answered by the bricks, at most");

  public static final Tunable WRITE_GATHER_BYTES = Tunable.of("client.write-gather.bytes", 1 << 20,
      "sequential writes are gathered into brick requests of up to this many bytes (and a new file's first bytes"
          + " into its create)");

  public static final Tunable WRITE_LOCK_IDLE_MS = Tunable.of("client.write-lock.idle-ms", 100,
      "a writer gives up its file's write lock (and ends its write session) this many ms after its last write");

  public static final Tunable WRITE_LOCK_LEASE_MS = new Tunable("client.write-lock.lease-ms", 3_000, 1_000,
      "lease of a file's write lock, renewed every third of it: a writer cut off holds up other writers this long");

  public static final Tunable WRITE_LOCK_WAIT_MS = Tunable.of("client.write-lock.wait-ms", 30_000,
      "how long a writer waits for another writer's lock on one brick before the write fails with EIO");

  public static final Tunable UNSENT_CREATE_MS = Tunable.of("client.unsent-create-ms", 100,
      "a new file is made on the bricks with its first bytes at its close, or at the latest this many ms after");

  public static final Tunable SESSION_ENDS_DELAY_MS = Tunable.of("client.session-ends.delay-ms", 5,
      "how long an ended write session waits for others to end with it in one request per brick");

  public static final Tunable SESSION_ENDS_BATCH = Tunable.of("client.session-ends.batch", 256,
      "ended write sessions per request at most");

  public static final Tunable UNLINKS_BEHIND = Tunable.of("client.unlinks-behind", 64,
      "unlinks acknowledged to programs before the bricks answered, at most; the next one waits");

  public static final Tunable PROGRAM_LOCK_LEASE_MS = new Tunable("client.program-lock.lease-ms", 10_000, 1_000,
      "lease of a program's flock and fcntl locks, renewed every third of it: a dead mount's locks go after it");

  public static final Tunable PROGRAM_LOCK_RETRY_MS = Tunable.of("client.program-lock.retry-ms", 100,
      "a blocking flock or F_SETLKW that another mount's lock is in the way of is tried again this often");

  public static final Tunable READ_AHEAD_BYTES = Tunable.of("client.read-ahead.bytes", 2 << 20,
      "bytes a sequential reader fetches per brick request, and fetches ahead");

  public static final Tunable OP_DEADLINE_MS = Tunable.of("client.op-deadline-ms", 120_000,
      "the longest a request is waited for while its brick answers pings (a slow fsync, a busy disk)");

  public static final Tunable PING_CHECK_MIN_MS = Tunable.of("client.ping-check.min-ms", 50,
      "waiting requests are checked for a ping every tenth of network.ping-timeout, but not more often than this");

  public static final Tunable STATUS_PERIOD_MS = Tunable.of("client.status-period-ms", 1_000,
      "how often a mount asks every brick whether it is up, whom it blames and how much room it has");

  public static final Tunable SHORT_OF_ROOM_BYTES = new Tunable("client.short-of-room-bytes", 256L << 20, 0,
      "with this much room or less on a data brick, writes are not acknowledged before the bricks have them"
          + " (each write(2) then says ENOSPC itself)");

  public static final Tunable SLOW_OP_MS = Tunable.of("client.slow-op-ms", 1_500,
      "a FUSE operation slower than this is logged");

  public static final List<Tunable> ALL = List.of(WRITE_BEHIND_REQUESTS, WRITE_BEHIND_BYTES, WRITE_GATHER_BYTES,
      WRITE_LOCK_IDLE_MS, WRITE_LOCK_LEASE_MS, WRITE_LOCK_WAIT_MS, UNSENT_CREATE_MS, SESSION_ENDS_DELAY_MS,
      SESSION_ENDS_BATCH, UNLINKS_BEHIND, PROGRAM_LOCK_LEASE_MS, PROGRAM_LOCK_RETRY_MS, READ_AHEAD_BYTES,
      OP_DEADLINE_MS, PING_CHECK_MIN_MS, STATUS_PERIOD_MS, SHORT_OF_ROOM_BYTES, SLOW_OP_MS);
}
