package dev.mortar.mgmt.volume;

import dev.mortar.brick.storage.s3.S3Location;
import dev.mortar.common.api.MortarException;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Peer;
import dev.mortar.common.model.PoolState;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a {@code volume create} request into a volume definition, refusing every bad input with GlusterFS's words
 * where it has them and a hint of what to do. Pure: the pool state and host resolution are passed in.
 */
public final class VolumePlanner {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Set<String> RESERVED = Set.of("all", "help");

  private VolumePlanner() {}

  /**
   * @param resolve finds the pool member a brick host names (by name or address)
   * @param connected whether a member is reachable now
   */
  public static Volume plan(VolumeRequest r, PoolState pool, Function<String, Optional<Peer>> resolve,
                            Function<String, Boolean> connected) {
    checkName(r.name());
    if (pool.volume(r.name()).isPresent()) {
      throw MortarException.conflict("Volume " + r.name() + " already exists; choose another name, or stop and"
          + " delete the old volume first");
    }
    int replica = r.replica();
    int arbiter = r.arbiter();
    if (replica < 1 || replica > 16) {
      throw MortarException.badRequest("replica count " + replica + " is not valid; use 2 to 16 (or leave it out"
          + " for a volume without replication)");
    }
    if (arbiter != 0 && arbiter != 1) {
      throw MortarException.badRequest("arbiter count " + arbiter + " is not valid; only 'arbiter 1' is supported");
    }
    if (arbiter == 1) {
      // GlusterFS accepts both "replica 3 arbiter 1" and the older "replica 2 arbiter 1": 2 data bricks + 1 arbiter.
      if (replica == 2) {
        replica = 3;
      } else if (replica != 3) {
        throw MortarException.badRequest("an arbiter volume is 'replica 3 arbiter 1' (or 'replica 2 arbiter 1'),"
            + " not replica " + replica);
      }
    }
    if (!"tcp".equals(r.transport().toLowerCase(Locale.ROOT))) {
      throw MortarException.badRequest("transport " + r.transport() + " is not supported; use tcp");
    }
    if (r.bricks().size() % replica != 0) {
      throw MortarException.badRequest("number of bricks (" + r.bricks().size() + ") is not a multiple of the"
          + " replica count (" + replica + "); give " + replica + " bricks per replica set");
    }

    List<Brick> bricks = new ArrayList<>();
    for (int i = 0; i < r.bricks().size(); i++) {
      String spec = r.bricks().get(i);
      String host = brickHost(spec);
      String where = spec.substring(host.length() + 1);
      String path = S3Location.isS3(where) ? s3Location(spec, where) : normalisePath(spec, where);
      Peer peer = resolve.apply(host).orElseThrow(() -> MortarException.badRequest("Host " + host
          + " is not in 'Peer in Cluster' state; add it to the pool first with 'peer probe " + host + "'"));
      if (!connected.apply(peer.uuid())) {
        throw MortarException.unavailable("Host " + host + " is not connected; every brick's node must be up to"
            + " create a volume ('peer status' shows the pool)");
      }
      bricks.add(new Brick(host, path, peer.uuid(), arbiter == 1 && i % replica == replica - 1));
    }
    checkOverlaps(bricks, pool);
    if (!r.force()) {
      checkReplicaSetsSpread(bricks, replica);
    }
    return new Volume(r.name(), UUID.randomUUID().toString(), VolumeStatus.Created, replica, arbiter, "tcp", bricks,
        new LinkedHashMap<>());
  }

  /**
   * The host part of {@code HOST:/PATH}, or of {@code HOST:PORT:/PATH} (PORT = admin port) for nodes that share an
   * address and differ by port, or of {@code HOST:s3://BUCKET/PREFIX} (a brick in the object store of that node).
   * A spec without ":/" is refused.
   */
  public static String brickHost(String spec) {
    int s3 = spec.indexOf(":" + S3Location.SCHEME);
    if (s3 > 0) {
      return spec.substring(0, s3);
    }
    int sep = spec.indexOf(":/");
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw MortarException.badRequest("brick '" + spec + "' is not of the form HOST:/PATH");
    }
    if (sep < 0) {
      throw MortarException.badRequest("brick '" + spec + "': the path must be absolute (HOST:/PATH)");
    }
    return spec.substring(0, sep);
  }

  public static void checkName(String name) {
    if (!NAME.matcher(name).matches() || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      throw MortarException.badRequest("volume name '" + name + "' is not valid: use 1 to 64 letters, digits, '-'"
          + " or '_' (and not 'all' or 'help')");
    }
  }

  /** {@code s3://BUCKET/PREFIX}, checked; endpoint and keys are the serving node's settings, never stored here. */
  private static String s3Location(String spec, String raw) {
    try {
      return S3Location.parse(raw).toString();
    } catch (IllegalArgumentException e) {
      throw MortarException.badRequest("brick '" + spec + "': " + e.getMessage());
    }
  }

  private static String normalisePath(String spec, String raw) {
    if (!raw.startsWith("/")) {
      throw MortarException.badRequest("brick '" + spec + "': the path must be absolute (HOST:/PATH)");
    }
    if (raw.indexOf('\0') >= 0) {
      throw MortarException.badRequest("brick '" + spec + "': the path contains a NUL byte");
    }
    for (String part : raw.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        throw MortarException.badRequest("brick '" + spec + "': the path may not contain '.' or '..'");
      }
    }
    Path p = Path.of(raw).normalize();
    if (p.getParent() == null) {
      throw MortarException.badRequest("brick '" + spec + "': the root directory cannot be a brick");
    }
    return p.toString();
  }

  /** Duplicates, and bricks inside other bricks, on the same node: in this request and in existing volumes. */
  private static void checkOverlaps(List<Brick> bricks, PoolState pool) {
    for (int i = 0; i < bricks.size(); i++) {
      Brick a = bricks.get(i);
      for (int j = i + 1; j < bricks.size(); j++) {
        Brick b = bricks.get(j);
        if (!a.nodeUuid().equals(b.nodeUuid())) {
          continue;
        }
        if (a.path().equals(b.path())) {
          throw MortarException.badRequest("Found duplicate exports " + b.name() + "; name each brick once");
        }
        if (inside(a, b) || inside(b, a)) {
          Brick inner = inside(a, b) ? a : b;
          Brick outer = inner == a ? b : a;
          throw MortarException.badRequest("Brick " + inner.name() + " is inside brick " + outer.name()
              + "; one brick may not contain another");
        }
      }
      for (Volume v : pool.volumes()) {
        for (Brick used : v.bricks()) {
          if (used.nodeUuid().equals(a.nodeUuid())
              && (used.path().equals(a.path()) || inside(a, used) || inside(used, a))) {
            throw MortarException.conflict("Brick " + a.name() + " overlaps brick " + used.name()
                + " of volume " + v.name() + "; choose a directory outside it");
          }
        }
      }
    }
  }

  private static boolean inside(Brick inner, Brick outer) {
    return inner.nodeUuid().equals(outer.nodeUuid()) && inner.path().startsWith(outer.path() + "/");
  }

  private static void checkReplicaSetsSpread(List<Brick> bricks, int replica) {
    for (int set = 0; set < bricks.size(); set += replica) {
      Set<String> nodes = new HashSet<>();
      for (Brick b : bricks.subList(set, set + replica)) {
        if (!nodes.add(b.nodeUuid())) {
          throw MortarException.badRequest("Multiple bricks of a replicate volume are present on the same server."
              + " This setup is not optimal. Bricks should be on different nodes to have best fault tolerant"
              + " configuration. Use 'force' at the end of the command if you want to override this behavior.");
        }
      }
    }
  }
}
