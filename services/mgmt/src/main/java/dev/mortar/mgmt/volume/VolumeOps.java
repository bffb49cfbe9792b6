package dev.mortar.mgmt.volume;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealEvent;
import dev.mortar.common.api.HealerOp;
import dev.mortar.common.api.MgmtOp;
import dev.mortar.common.api.MortarException;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.SplitBrains;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.model.AddressPatterns;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Peer;
import dev.mortar.common.model.PoolState;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOption;
import dev.mortar.common.model.VolumeOptions;
import dev.mortar.common.model.VolumeStatus;
import dev.mortar.mgmt.pool.MgmtContext;
import dev.mortar.mgmt.pool.PoolCoordinator;
import dev.mortar.mgmt.pool.Requests;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/** Volume management: create, start, stop, delete, info, list, status, set, get, reset. */
public final class VolumeOps {
  private static final Logger LOG = Logger.getLogger(VolumeOps.class.getName());
  private static final long BRICK_CHECK_TIMEOUT_MS = 5_000;
  private static final long BRICK_STATUS_TIMEOUT_MS = 1_500;
  /** A resolution waits for the file lock and copies the file (and its losing versions). */
  private static final long SPLIT_BRAIN_TIMEOUT_MS = 50_000;

  private final MgmtContext ctx;
  private final PoolCoordinator coordinator;

  public VolumeOps(MgmtContext ctx, PoolCoordinator coordinator) {
    this.ctx = ctx;
    this.coordinator = coordinator;
  }

  public Future<JsonObject> create(JsonObject body) {
    VolumeRequest req = VolumeRequest.fromJson(body);
    return coordinator.change(state -> resolver(state, req.bricks()).compose(resolve -> {
      Volume v = VolumePlanner.plan(req, state, h -> resolve.getOrDefault(h, Optional.empty()), ctx::isConnected);
      return checkBricks(v, req.force()).map(ok -> state.nextWithVolumes(vols -> {
        vols.add(v);
        return vols;
      }));
    }), Set.of()).map(s -> new JsonObject().put("volume", s.volume(req.name()).orElseThrow().toJson())
        .put("message", "success: please start the volume to access data"));
  }

  /**
   * Finds the member each brick host names: by the name it has in the pool, else by address. DNS is blocking, so
   * every host of the request is resolved on a worker thread before planning.
   */
  private Future<Map<String, Optional<Peer>>> resolver(PoolState state, List<String> brickSpecs) {
    return ctx.vertx().executeBlocking(() -> {
      Map<Peer, List<InetAddress>> addresses = new LinkedHashMap<>();
      for (Peer p : state.members()) {
        addresses.put(p, addressesOf(p.hostname()));
      }
      Map<String, Optional<Peer>> found = new java.util.HashMap<>();
      for (String spec : brickSpecs) {
        try {
          found.computeIfAbsent(VolumePlanner.brickHost(spec), h -> findMember(h, addresses));
        } catch (MortarException malformed) {
          // the planner refuses it, with the reason
        }
      }
      return found;
    });
  }

  private static Optional<Peer> findMember(String host, Map<Peer, List<InetAddress>> addresses) {
    String h = host.toLowerCase(Locale.ROOT);
    for (Peer p : addresses.keySet()) {
      if (p.hostname().toLowerCase(Locale.ROOT).equals(h)
          || (p.hostname() + ":" + p.adminPort()).toLowerCase(Locale.ROOT).equals(h)) {
        return Optional.of(p);
      }
    }
    // By address, with the admin port when one is given (nodes that share an address).
    int colon = host.lastIndexOf(':');
    String name = colon > 0 ? host.substring(0, colon) : host;
    String port = colon > 0 ? host.substring(colon + 1) : null;
    List<InetAddress> mine = addressesOf(name);
    for (Map.Entry<Peer, List<InetAddress>> e : addresses.entrySet()) {
      if ((port == null || port.equals(String.valueOf(e.getKey().adminPort())))
          && e.getValue().stream().anyMatch(mine::contains)) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  private static List<InetAddress> addressesOf(String host) {
    try {
      return Arrays.asList(InetAddress.getAllByName(host));
    } catch (UnknownHostException e) {
      return List.of();
    }
  }

  /** Asks each brick's node whether its directory can be used. */
  private Future<Void> checkBricks(Volume v, boolean force) {
    List<Future<?>> checks = new ArrayList<>();
    for (Brick b : v.bricks()) {
      checks.add(ctx.vertx().eventBus().request(Addresses.mgmt(b.nodeUuid()),
          new JsonObject().put("path", b.path()).put("volumeId", v.id()).put("force", force).put("name", b.name()),
          new DeliveryOptions().addHeader(MgmtOp.HEADER, MgmtOp.BRICK_CHECK.name())
              .setSendTimeout(BRICK_CHECK_TIMEOUT_MS)));
    }
    return Future.all(checks).<Void>mapEmpty().recover(e -> Future.failedFuture(MortarException.from(e)));
  }

  public Future<JsonObject> start(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", "force"));
    boolean force = Requests.optionalBoolean(body, "force", false);
    return update(body, v -> {
      if (v.status() == VolumeStatus.Started && !force) {
        throw MortarException.conflict("Volume " + v.name() + " already started; 'volume start " + v.name()
            + " force' restarts bricks that are offline");
      }
      return v.withStatus(VolumeStatus.Started);
    }).map(v -> success());
  }

  public Future<JsonObject> stop(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", "force"));
    boolean force = Requests.optionalBoolean(body, "force", false);
    return update(body, v -> {
      if (v.status() != VolumeStatus.Started && !force) {
        throw MortarException.conflict("Volume " + v.name() + " is not in the started state; nothing to stop");
      }
      return v.withStatus(VolumeStatus.Stopped);
    }).map(v -> success());
  }

  public Future<JsonObject> delete(JsonObject body) {
    Requests.onlyFields(body, Set.of("name"));
    String name = Requests.requiredString(body, "name");
    return coordinator.change(state -> {
      Volume v = existing(state, name);
      if (v.status() == VolumeStatus.Started) {
        throw MortarException.conflict("Volume " + name + " has been started. Volume needs to be stopped before"
            + " deletion.");
      }
      return Future.succeededFuture(state.nextWithVolumes(vols -> {
        vols.removeIf(x -> x.name().equals(name));
        return vols;
      }));
    }, Set.of()).map(s -> success());
  }

  public JsonObject info(JsonObject body) {
    Requests.onlyFields(body, Set.of("name"));
    return existing(ctx.state().current(), Requests.requiredString(body, "name")).toJson();
  }

  /**
   * The pool to join (members' cluster addresses) and the volume's layout, for a client that mounts it. A mount
   * asks through the admin API, which gives the address it came from ({@code client}): one that {@code auth.allow}
   * does not list is refused. A mounted client following the volume asks over the event bus, without one.
   */
  public JsonObject mountInfo(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", MgmtOp.MOUNT_CLIENT));
    PoolState state = ctx.state().current();
    Volume v = existing(state, Requests.requiredString(body, "name"));
    if (v.status() != VolumeStatus.Started) {
      throw MortarException.conflict("Volume " + v.name() + " is not started; run 'mortar volume start " + v.name()
          + "' first");
    }
    String client = body.getString(MgmtOp.MOUNT_CLIENT);
    String allowed = VolumeOptions.effective(v, VolumeOptions.AUTH_ALLOW);
    if (client != null && !AddressPatterns.allows(allowed, client)) {
      LOG.warning("mount of volume " + v.name() + " from " + client + " refused: auth.allow is " + allowed);
      throw MortarException.forbidden("volume " + v.name() + " does not allow mounts from " + client
          + " (auth.allow is " + allowed + "); run 'mortar volume set " + v.name() + " auth.allow ...' to add it");
    }
    JsonArray members = new JsonArray();
    state.members().forEach(p -> members.add(p.hostname() + ":" + p.clusterPort()));
    return new JsonObject().put("poolId", state.poolId()).put("members", members).put("volume", v.toJson());
  }

  public JsonObject list() {
    JsonArray vols = new JsonArray();
    ctx.state().current().volumes().forEach(v -> vols.add(v.toJson()));
    return new JsonObject().put("volumes", vols);
  }

  /** Bricks and their online state, asked of each brick service; offline when it does not answer in time. */
  public Future<JsonObject> status(JsonObject body) {
    Requests.onlyFields(body, Set.of("name"));
    Volume v = existing(ctx.state().current(), Requests.requiredString(body, "name"));
    return askBricks(v, dev.mortar.common.brick.api.Requests.Status.INSTANCE, BRICK_STATUS_TIMEOUT_MS,
        (i, reply) -> v.bricks().get(i).toJson().put("online", true).put("pid", reply.pid()).put("port", reply.port()),
        i -> v.bricks().get(i).toJson().put("online", false))
        .compose(lines -> healers().map(healers -> new JsonObject().put("name", v.name())
            .put("status", v.status().name()).put("bricks", lines).put("healers", healers)
            .put("tasks", new JsonArray())));
  }

  /** The self-heal service of every node that answers (GlusterFS leaves out the ones that do not). */
  private Future<JsonArray> healers() {
    List<Future<JsonObject>> lines = new ArrayList<>();
    for (Peer p : ctx.state().current().members()) {
      String host = p.uuid().equals(ctx.uuid()) ? "localhost" : p.hostname();
      lines.add(ctx.vertx().eventBus().<JsonObject>request(Addresses.healer(p.uuid()),
              new JsonObject().put("op", HealerOp.STATUS.name()), new DeliveryOptions().setSendTimeout(
                  BRICK_STATUS_TIMEOUT_MS))
          .map(m -> new JsonObject().put("host", host).put("online", true).put("pid", m.body().getLong("pid")))
          .otherwise((JsonObject) null));
    }
    return Future.join(lines).transform(x -> {
      JsonArray out = new JsonArray();
      lines.stream().map(Future::result).filter(java.util.Objects::nonNull).forEach(out::add);
      return Future.succeededFuture(out);
    });
  }

  /**
   * {@code volume heal VOL [full]}: every node's healer sweeps its bricks' heal index now; with {@code full}, this
   * node's healer also compares every file of the volume, for bricks that were replaced or wiped.
   */
  public Future<JsonObject> heal(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", "full"));
    Volume v = existing(ctx.state().current(), Requests.requiredString(body, "name"));
    boolean full = body.getValue("full") instanceof Boolean b ? b : false;
    String kind = full ? "full" : "index";
    if (v.status() != VolumeStatus.Started) {
      throw MortarException.conflict("Volume " + v.name() + " is not started.");
    }
    if (!"on".equals(VolumeOptions.effective(v, VolumeOptions.SELF_HEAL_DAEMON))) {
      throw MortarException.conflict("Self-heal-daemon is disabled. Heal will not be triggered on volume "
          + v.name());
    }
    ctx.vertx().eventBus().publish(Addresses.EVENTS_HEAL, new HealEvent(v.id(), "volume heal " + v.name())
        .toJson());
    Future<?> started = !full ? Future.succeededFuture()
        : ctx.vertx().eventBus().request(Addresses.healer(ctx.uuid()), new JsonObject()
            .put("op", HealerOp.FULL.name()).put("volumeId", v.id()));
    return started.map(x -> new JsonObject().put("message", "Launching heal operation to perform " + kind
        + " self heal on volume " + v.name() + " has been successful \nUse heal info commands to check status."));
  }

  /**
   * What each brick's heal index holds. A brick that does not answer is reported as not connected, with no count,
   * as GlusterFS reports it.
   */
  public Future<JsonObject> healInfo(JsonObject body) {
    Requests.onlyFields(body, Set.of("name"));
    Volume v = existing(ctx.state().current(), Requests.requiredString(body, "name"));
    Map<Integer, Map<String, FileMeta>> indexes = new java.util.concurrent.ConcurrentHashMap<>();
    return askBricks(v, dev.mortar.common.brick.api.Requests.IndexList.INSTANCE, BRICK_CHECK_TIMEOUT_MS, (i, reply) -> {
      JsonArray entries = new JsonArray();
      Map<String, FileMeta> metas = new LinkedHashMap<>();
      reply.entries().forEach(e -> {
        entries.add(e.path());
        if (e.meta() != null) {
          metas.put(e.path(), e.meta());
        }
      });
      indexes.put(i, metas);
      return new JsonObject().put("name", v.bricks().get(i).name()).put("connected", true).put("entries", entries);
    }, i -> new JsonObject().put("name", v.bricks().get(i).name()).put("connected", false))
        .map(lines -> {
          Set<String> split = SplitBrains.find(indexes);
          for (int i = 0; i < lines.size(); i++) {
            JsonObject line = lines.getJsonObject(i);
            if (line.getBoolean("connected")) {
              JsonArray mine = new JsonArray();
              line.getJsonArray("entries").forEach(p -> {
                if (split.contains((String) p)) {
                  mine.add(p);
                }
              });
              line.put("splitBrain", mine);
            }
          }
          return new JsonObject().put("name", v.name()).put("bricks", lines);
        });
  }

  /**
   * Asks every brick of the volume the same question, in parallel: {@code answered} makes a brick's line from its
   * reply, {@code away} the line of a brick that does not answer in time (or of a volume that is not started).
   */
  private <R> Future<JsonArray> askBricks(Volume v, BrickRequest<R> request, long timeoutMs,
                                          BiFunction<Integer, R, JsonObject> answered,
                                          IntFunction<JsonObject> away) {
    List<Future<JsonObject>> lines = new ArrayList<>();
    for (int i = 0; i < v.bricks().size(); i++) {
      int index = i;
      lines.add(v.status() != VolumeStatus.Started ? Future.succeededFuture(away.apply(index))
          : new RemoteBrick(ctx.vertx(), Addresses.brick(v.id(), index), timeoutMs).call(request)
              .map(reply -> answered.apply(index, reply))
              .otherwise(e -> away.apply(index)));
    }
    return Future.all(lines).map(all -> {
      JsonArray out = new JsonArray();
      lines.forEach(f -> out.add(f.result()));
      return out;
    });
  }

  /**
   * {@code volume heal VOL split-brain POLICY [HOST:BRICK] [FILE]}: this node's healer resolves the file (every file
   * in split-brain, for source-brick without a file) and answers in GlusterFS's words.
   */
  public Future<JsonObject> splitBrain(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", "policy", "file", "source"));
    Volume v = existing(ctx.state().current(), Requests.requiredString(body, "name"));
    String policy = Requests.requiredString(body, "policy");
    if (!Set.of("bigger-file", "latest-mtime", "source-brick").contains(policy)) {
      throw MortarException.badRequest("'policy' must be bigger-file, latest-mtime or source-brick");
    }
    String file = Requests.optionalString(body, "file", null);
    if (file == null && !policy.equals("source-brick")) {
      throw MortarException.badRequest(policy + " needs 'file'");
    }
    if (file != null && !file.startsWith("/")) {
      throw MortarException.badRequest("<FILE> must be absolute path w.r.t. the volume, starting with '/'");
    }
    JsonObject ask = new JsonObject().put("op", HealerOp.RESOLVE.name()).put("volumeId", v.id())
        .put("policy", policy).put("path", file);
    if (policy.equals("source-brick")) {
      String source = Requests.requiredString(body, "source");
      int index = v.bricks().stream().map(Brick::name).toList().indexOf(source);
      if (index < 0) {
        throw MortarException.badRequest(source + " is not a brick of volume " + v.name());
      }
      ask.put("source", index);
    }
    if (v.status() != VolumeStatus.Started) {
      throw MortarException.conflict("Volume " + v.name() + " is not started.");
    }
    return ctx.vertx().eventBus().<JsonObject>request(Addresses.healer(ctx.uuid()), ask,
            new DeliveryOptions().setSendTimeout(SPLIT_BRAIN_TIMEOUT_MS))
        .map(m -> new JsonObject().put("message", m.body().getString("message")))
        .recover(e -> Future.failedFuture(e instanceof io.vertx.core.eventbus.ReplyException r
            && r.failureCode() == 409 ? MortarException.conflict(r.getMessage())
            : MortarException.unavailable("the healer of this node did not resolve it: " + e.getMessage())));
  }

  public Future<JsonObject> set(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", "options"));
    Object o = body.getValue("options");
    if (!(o instanceof JsonObject given) || given.isEmpty()) {
      throw MortarException.badRequest("'options' must be a non-empty object of KEY: VALUE");
    }
    Map<String, String> normalised = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : given) {
      if (!(e.getValue() instanceof String || e.getValue() instanceof Number || e.getValue() instanceof Boolean)) {
        throw MortarException.badRequest("option " + e.getKey() + ": the value must be a string");
      }
      VolumeOption opt = VolumeOptions.require(e.getKey());
      normalised.put(opt.key(), opt.normalise(String.valueOf(e.getValue())));
    }
    return update(body, v -> {
      Map<String, String> opts = new LinkedHashMap<>(v.options());
      opts.putAll(normalised);
      Volume next = v.withOptions(opts);
      checkQuorumCount(next);
      return next;
    }).map(v -> success());
  }

  private static void checkQuorumCount(Volume v) {
    String count = v.options().get(VolumeOptions.QUORUM_COUNT);
    if (count != null && Integer.parseInt(count) > v.replica()) {
      throw MortarException.badRequest("option " + VolumeOptions.QUORUM_COUNT + ": " + count + " is more than the "
          + v.replica() + " bricks of a replica set");
    }
  }

  public JsonObject get(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", "key"));
    Volume v = existing(ctx.state().current(), Requests.requiredString(body, "name"));
    String key = Requests.optionalString(body, "key", "all");
    List<VolumeOption> opts = "all".equals(key) ? List.copyOf(VolumeOptions.all().values())
        : List.of(VolumeOptions.require(key));
    JsonArray out = new JsonArray();
    for (VolumeOption opt : opts) {
      out.add(new JsonObject().put("key", opt.key()).put("value", VolumeOptions.effective(v, opt.key()))
          .put("default", !v.options().containsKey(opt.key())).put("description", opt.description()));
    }
    return new JsonObject().put("options", out);
  }

  public Future<JsonObject> reset(JsonObject body) {
    Requests.onlyFields(body, Set.of("name", "key"));
    String key = Requests.optionalString(body, "key", "all");
    if (!"all".equals(key)) {
      VolumeOptions.require(key);
    }
    return update(body, v -> {
      Map<String, String> opts = new LinkedHashMap<>(v.options());
      if ("all".equals(key)) {
        opts.clear();
      } else {
        opts.remove(key);
      }
      return v.withOptions(opts);
    }).map(v -> new JsonObject().put("message", "success: reset volume successful"));
  }

  /** Changes one volume through the coordinator. */
  private Future<Volume> update(JsonObject body, UnaryOperator<Volume> change) {
    String name = Requests.requiredString(body, "name");
    return coordinator.change(state -> {
      Volume next = change.apply(existing(state, name));
      return Future.succeededFuture(state.nextWithVolumes(vols -> {
        vols.replaceAll(x -> x.name().equals(name) ? next : x);
        return vols;
      }));
    }, Set.of()).map(s -> s.volume(name).orElseThrow());
  }

  private static Volume existing(PoolState state, String name) {
    return state.volume(name).orElseThrow(() -> MortarException.notFound("Volume " + name + " does not exist"));
  }

  private static JsonObject success() {
    return new JsonObject().put("message", "success");
  }
}
