package dev.mortar.brick;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.BrickOp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Serves one brick of a started volume on the event bus. Deployed by the node when the volume starts and
 * undeployed when it stops.
 */
public final class BrickVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(BrickVerticle.class.getName());

  private final String volumeId;
  private final int index;
  private final Path path;
  private final String brickName;
  private final int port;

  /** @param port the node's event-bus port, which is where this brick is reached */
  public BrickVerticle(String volumeId, int index, Path path, String brickName, int port) {
    this.port = port;
    this.volumeId = volumeId;
    this.index = index;
    this.path = path;
    this.brickName = brickName;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> {
      BrickDirectory.prepare(path, volumeId);
      return null;
    }).compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.brick(volumeId, index), this::handle)
        .completion()).onSuccess(v -> LOG.info("brick " + brickName + " online"))
        .onFailure(e -> LOG.severe("brick " + brickName + " cannot start: " + e.getMessage()
            + "; fix the directory and run 'mortar volume start VOLNAME force'"));
  }

  private void handle(Message<JsonObject> m) {
    String op = m.headers().get(BrickOp.HEADER);
    if (BrickOp.STATUS.name().equals(op)) {
      m.reply(new JsonObject().put("online", true).put("pid", ProcessHandle.current().pid())
          .put("port", port)
          .put("path", path.toString()));
    } else {
      m.fail(400, "unknown brick operation " + op);
    }
  }
}
