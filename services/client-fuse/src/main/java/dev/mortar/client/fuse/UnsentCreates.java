package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.config.ClientTunables;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mount's new files whose create is not sent yet (see {@link MortarFs#create}), by path: each is sent with its
 * first bytes, by its handle, by another operation on its name ({@link #settle}), or by its timer.
 */
final class UnsentCreates {
  /** A new file not yet made on the bricks is made at the latest this long after. */
  private static final long UNSENT_CREATE_MS = ClientTunables.UNSENT_CREATE_MS.get();

  private final Map<String, OpenFile> unsent = new ConcurrentHashMap<>();
  private final Vertx vertx;

  UnsentCreates(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * The create of {@code of}'s new file is held back: sent at the latest {@link #UNSENT_CREATE_MS} from now, by a
   * timer cancelled once it is sent.
   */
  void add(OpenFile of, UnsentCreate u) {
    unsent.put(of.path, of);
    u.timer = vertx.setTimer(UNSENT_CREATE_MS, t -> vertx.executeBlocking(() -> {
      of.sendUnsentQuietly();
      return null;
    }, false));
  }

  void cancelTimer(UnsentCreate u) {
    vertx.cancelTimer(u.timer);
  }

  /** The handle's create was answered (made, or not). */
  void sent(OpenFile of) {
    unsent.remove(of.path, of);
  }

  /** Is the create of a new file of this name on its way, or held back? */
  boolean has(String path) {
    return unsent.containsKey(path);
  }

  /** The attributes chosen for a new file of this mount whose create is not sent yet; null for any other name. */
  Attr attr(String path) {
    OpenFile of = unsent.get(path);
    UnsentCreate u = of == null ? null : of.unsent();
    return u == null ? null : u.attr();
  }

  /** Sends the creates not sent yet of the files directly in {@code dir}. */
  void sendIn(String dir) {
    for (OpenFile of : unsent.values()) {
      if (MortarPaths.parent(of.path).equals(dir)) {
        of.sendUnsentQuietly();
      }
    }
  }

  /** Are creates of files directly in {@code dir} not sent yet, or on their way? */
  boolean anyIn(String dir) {
    return unsent.keySet().stream().anyMatch(p -> MortarPaths.parent(p).equals(dir));
  }

  /** Sends the creates of the files at or below {@code paths} not sent yet. */
  void send(String... paths) {
    for (OpenFile of : unsent.values()) {
      if (Namespace.atOrBelow(of.path, paths)) {
        of.sendUnsentQuietly();
      }
    }
  }
}
