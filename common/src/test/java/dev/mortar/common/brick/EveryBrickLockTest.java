package dev.mortar.common.brick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Bricks that answer a try as told, and a log of what the lock asked of them. */
class EveryBrickLockTest {
  private final Map<String, Errno> tryAnswers = new HashMap<>();
  private final Map<String, Errno> waitAnswers = new HashMap<>();
  private final List<String> log = new ArrayList<>();
  private final AtomicInteger owners = new AtomicInteger();

  private final EveryBrickLock<String> lock = new EveryBrickLock<>(new EveryBrickLock.Bricks<>() {
    @Override
    public Future<Void> tryLock(String brick, String path, String owner) {
      log.add("try " + brick + " " + owner);
      Errno e = tryAnswers.get(brick);
      return e == null ? Future.succeededFuture() : Future.failedFuture(new BrickException(e, brick + " says no"));
    }

    @Override
    public void await(String brick, Future<Void> call) {
      if (call.failed()) {
        throw (BrickException) call.cause();
      }
    }

    @Override
    public void lockWaiting(String brick, String path, String owner) {
      log.add("wait " + brick + " " + owner);
      Errno e = waitAnswers.get(brick);
      if (e != null) {
        throw new BrickException(e, brick + " says no");
      }
    }

    @Override
    public void unlock(List<String> held, String path, String owner) {
      log.add("unlock " + held + " " + owner);
    }
  });

  private EveryBrickLock.Taken<String> take(String... bricks) {
    return lock.take("/f", List.of(bricks), () -> "o" + owners.incrementAndGet());
  }

  @Test
  void aFreeLockIsTakenEverywhereInOneRoundWithoutWaiting() {
    EveryBrickLock.Taken<String> t = take("b0", "b1", "b2");
    assertEquals(List.of("b0", "b1", "b2"), t.bricks());
    assertEquals(List.of("try b0 o1", "try b1 o1", "try b2 o1"), log);
  }

  @Test
  void aBusyLockIsGivenBackAndWaitedForInBrickOrderUnderANewOwner() {
    tryAnswers.put("b1", Errno.EAGAIN);
    EveryBrickLock.Taken<String> t = take("b0", "b1", "b2");
    assertEquals("o2", t.owner());
    assertEquals(List.of("b0", "b1", "b2"), t.bricks());
    assertEquals(List.of("try b0 o1", "try b1 o1", "try b2 o1", "unlock [b0, b2] o1",
        "wait b0 o2", "wait b1 o2", "wait b2 o2"), log);
  }

  @Test
  void aBrickThatDidNotAnswerTheTryIsNotWaitedFor() {
    tryAnswers.put("b0", Errno.ENOTCONN);
    tryAnswers.put("b2", Errno.EAGAIN);
    EveryBrickLock.Taken<String> t = take("b0", "b1", "b2");
    assertEquals(List.of("b1", "b2"), t.bricks());
    assertEquals(List.of("wait b1 o2", "wait b2 o2"), log.subList(4, log.size()));
  }

  @Test
  void bricksThatAreAllAwayGiveNoLockAndNoWait() {
    tryAnswers.put("b0", Errno.ENOTCONN);
    tryAnswers.put("b1", Errno.ENOTCONN);
    assertEquals(List.of(), take("b0", "b1").bricks());
    assertEquals(2, log.size());
  }

  @Test
  void aBrickThatGoesAwayDuringTheWaitIsLeftOutAndAnErrorGivesEverythingBack() {
    tryAnswers.put("b0", Errno.EAGAIN);
    waitAnswers.put("b1", Errno.ENOTCONN);
    assertEquals(List.of("b0", "b2"), take("b0", "b1", "b2").bricks());

    log.clear();
    waitAnswers.put("b2", Errno.EIO);
    BrickException e = assertThrows(BrickException.class, () -> take("b0", "b1", "b2"));
    assertEquals(Errno.EIO, e.errno());
    assertEquals("unlock [b0] o4", log.get(log.size() - 1));
  }
}
