package dev.mortar.common.brick;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Takes a file's lock on every live data brick, the way writers (the mount) and healers both take it, so that they
 * exclude each other. On every brick, not only the first: around a network cut two parties disagree for a moment
 * about which bricks are live, and they must still exclude each other on the bricks they both reach.
 * <p>
 * It is first tried on all bricks at once without waiting (one round trip). If it is busy anywhere, whatever was
 * taken is given back and it is waited for brick by brick in brick order, which rules out deadlocks. A brick that
 * did not answer the try is not waited for: the try already spent a ping timeout on it, and waiting again would
 * stall every writer of the lower bricks (whose lock is held meanwhile) for a second one.
 * Blocking: runs on a worker thread.
 *
 * @param <B> how the caller names a brick
 */
public final class EveryBrickLock<B> {

  /** How the caller reaches its bricks. Every call blocks except {@link #tryLock}. */
  public interface Bricks<B> {
    /** Sends a try for the lock, answered at once: granted, or EAGAIN if someone else holds it. */
    Future<Void> tryLock(B brick, String path, String owner);

    /** The answer to a call to {@code brick}; a failure as a {@link BrickException} (ENOTCONN: no answer). */
    void await(B brick, Future<Void> call);

    /** Takes the lock on {@code brick}, waiting for whoever holds it. */
    void lockWaiting(B brick, String path, String owner);

    /** Gives the lock back where it is held; a brick that does not answer lets it go when its lease ends. */
    void unlock(List<B> held, String path, String owner);
  }

  /** The lock as taken: the owner it was taken under and the bricks that granted it (none if none answered). */
  public record Taken<B>(String owner, List<B> bricks) {
  }

  private final Bricks<B> bricks;

  public EveryBrickLock(Bricks<B> bricks) {
    this.bricks = bricks;
  }

  /**
   * Takes {@code path}'s lock on {@code live} (data bricks in brick order). {@code owners} names each attempt; a
   * caller may give each its own owner, so that a late answer to the first cannot be mistaken for the second.
   */
  public Taken<B> take(String path, List<B> live, Supplier<String> owners) {
    String owner = owners.get();
    List<Future<Void>> tries = live.stream().map(b -> bricks.tryLock(b, path, owner)).toList();
    List<B> took = new ArrayList<>();
    List<B> answered = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      try {
        bricks.await(live.get(i), tries.get(i));
        took.add(live.get(i));
        answered.add(live.get(i));
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOTCONN) {
          answered.add(live.get(i));
        }
      }
    }
    if (took.size() == answered.size()) {
      return new Taken<>(owner, took);
    }
    bricks.unlock(took, path, owner);
    return inOrder(path, answered, owners.get());
  }

  /**
   * Waits for the lock brick by brick in the order given (brick order). A brick that stops answering is left out;
   * any other failure gives back what was taken and is thrown.
   */
  public Taken<B> inOrder(String path, List<B> live, String owner) {
    List<B> took = new ArrayList<>();
    try {
      for (B b : live) {
        try {
          bricks.lockWaiting(b, path, owner);
          took.add(b);
        } catch (BrickException e) {
          if (e.errno() != Errno.ENOTCONN) {
            throw e;
          }
        }
      }
      return new Taken<>(owner, took);
    } catch (RuntimeException e) {
      bricks.unlock(took, path, owner);
      throw e;
    }
  }
}
