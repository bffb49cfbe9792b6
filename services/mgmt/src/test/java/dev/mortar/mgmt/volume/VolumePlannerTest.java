package dev.mortar.mgmt.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.ErrorCode;
import dev.mortar.common.api.MortarException;
import dev.mortar.common.model.Peer;
import dev.mortar.common.model.PoolState;
import dev.mortar.common.model.Volume;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VolumePlannerTest {
  private static final Peer N1 = new Peer("u1", "node1", 24007, 24008);
  private static final Peer N2 = new Peer("u2", "node2", 24007, 24008);
  private static final Peer N3 = new Peer("u3", "node3", 24007, 24008);
  private final PoolState pool = new PoolState("pool", 3, List.of(N1, N2, N3), List.of());

  private Volume plan(PoolState state, Set<String> down, String json) {
    return VolumePlanner.plan(VolumeRequest.fromJson(new JsonObject(json)), state,
        h -> state.members().stream().filter(p -> p.hostname().equals(h)).findFirst(),
        uuid -> !down.contains(uuid));
  }

  private Volume plan(String json) {
    return plan(pool, Set.of(), json);
  }

  private MortarException refused(String json) {
    return assertThrows(MortarException.class, () -> plan(json));
  }

  @Test
  void seedVolumeIsReplicateOneByTwo() {
    Volume v = plan("{\"name\":\"my-volume\",\"replica\":2,\"transport\":\"tcp\","
        + "\"bricks\":[\"node1:/tmp/gluster-test\",\"node2:/tmp/gluster-test/\"]}");
    assertEquals("Replicate", v.typeName());
    assertEquals("1 x 2 = 2", v.brickCountText());
    assertEquals("node2:/tmp/gluster-test", v.bricks().get(1).name(), "trailing slash normalised away");
    assertEquals("u2", v.bricks().get(1).nodeUuid());
  }

  @Test
  void arbiterInBothGlusterSpellings() {
    for (int replica : new int[] {2, 3}) {
      Volume v = plan("{\"name\":\"a\",\"replica\":" + replica + ",\"arbiter\":1,"
          + "\"bricks\":[\"node1:/b\",\"node2:/b\",\"node3:/arb\"]}");
      assertEquals("1 x (2 + 1) = 3", v.brickCountText());
      assertTrue(v.bricks().get(2).arbiter());
      assertEquals(List.of(false, false, true), v.bricks().stream().map(b -> b.arbiter()).toList());
    }
    assertEquals(ErrorCode.BAD_REQUEST, refused("{\"name\":\"a\",\"replica\":4,\"arbiter\":1,"
        + "\"bricks\":[\"node1:/b\",\"node2:/b\",\"node3:/b\",\"node1:/c\"]}").code());
  }

  @Test
  void s3BricksAreWrittenHostColonS3UrlAndMixWithLocalOnes() {
    Volume v = plan("{\"name\":\"mixed\",\"replica\":2,\"bricks\":[\"node1:/data/b1\",\"node2:s3://mortar/brick2/\"]}");
    assertEquals("node2:s3://mortar/brick2", v.bricks().get(1).name(), "shown as given, trailing slash away");
    assertEquals("s3://mortar/brick2", v.bricks().get(1).path());
    assertEquals("u2", v.bricks().get(1).nodeUuid(), "served by node2, with node2's object store settings");
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:s3://Bad_Bucket/p\",\"node2:/a\"]}")
        .getMessage().contains("not a valid bucket name"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:s3://mortar\",\"node2:/a\"]}")
        .getMessage().contains("give a prefix"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:s3://mortar/a/../b\",\"node2:/a\"]}")
        .getMessage().contains("give a prefix"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:s3://mortar/a\",\"node1:s3://mortar/a/x\"]}")
        .getMessage().contains("inside brick node1:s3://mortar/a"));
  }

  @Test
  void distributedReplicateFromTwoSets() {
    Volume v = plan("{\"name\":\"dr\",\"replica\":2,\"bricks\":[\"node1:/a\",\"node2:/a\",\"node2:/b\",\"node3:/b\"]}");
    assertEquals("Distributed-Replicate", v.typeName());
    assertEquals("2 x 2 = 4", v.brickCountText());
  }

  @Test
  void badInputsAreRefusedWithAMessageThatSaysWhatToDo() {
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node9:/a\",\"node2:/a\"]}").getMessage()
        .contains("peer probe node9"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:a\",\"node2:/a\"]}").getMessage()
        .contains("must be absolute"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/a/../b\",\"node2:/a\"]}").getMessage()
        .contains("'..'"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/a\",\"node1:/a\"]}").getMessage()
        .contains("duplicate"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/a\",\"node2:/a\",\"node1:/a/x\","
        + "\"node3:/x\"]}").getMessage().contains("inside brick node1:/a"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/a\",\"node2:/a\",\"node3:/a\"]}")
        .getMessage().contains("not a multiple of the replica count"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/a\",\"node1:/b\"]}").getMessage()
        .contains("Use 'force'"));
    assertTrue(refused("{\"name\":\"a b\",\"bricks\":[\"node1:/a\"]}").getMessage().contains("not valid"));
    assertTrue(refused("{\"name\":\"all\",\"bricks\":[\"node1:/a\"]}").getMessage().contains("not valid"));
    assertTrue(refused("{\"name\":\"v\",\"transport\":\"rdma\",\"bricks\":[\"node1:/a\"]}").getMessage()
        .contains("use tcp"));
    assertTrue(refused("{\"name\":\"v\",\"bricks\":[\"node1:/\"]}").getMessage().contains("root directory"));
    assertTrue(refused("{\"name\":\"v\",\"bricks\":[\"/a\"]}").getMessage().contains("HOST:/PATH"));
    assertTrue(refused("{\"name\":\"v\",\"bricks\":[]}").getMessage().contains("non-empty"));
    assertTrue(refused("{\"name\":\"v\",\"replica\":\"2\",\"bricks\":[\"node1:/a\"]}").getMessage()
        .contains("whole number"));
    assertTrue(refused("{\"name\":\"v\",\"bricks\":[\"node1:/a\"],\"colour\":\"red\"}").getMessage()
        .contains("unknown field(s) [colour]"));
  }

  @Test
  void nodesSharingAnAddressAreNamedWithTheirAdminPort() {
    Peer a = new Peer("ua", "127.0.0.1", 24007, 24008);
    Peer b = new Peer("ub", "127.0.0.1", 25007, 25008);
    PoolState shared = new PoolState("pool", 1, List.of(a, b), List.of());
    Volume v = VolumePlanner.plan(VolumeRequest.fromJson(new JsonObject("{\"name\":\"v\",\"replica\":2,"
            + "\"bricks\":[\"127.0.0.1:24007:/a\",\"127.0.0.1:25007:/a\"]}")), shared,
        h -> shared.members().stream().filter(p -> (p.hostname() + ":" + p.adminPort()).equals(h)).findFirst(),
        uuid -> true);
    assertEquals(List.of("ua", "ub"), v.bricks().stream().map(x -> x.nodeUuid()).toList());
    assertEquals("127.0.0.1:25007:/a", v.bricks().get(1).name());
  }

  @Test
  void forceAllowsOneHostPerReplicaSet() {
    Volume v = plan("{\"name\":\"v\",\"replica\":2,\"force\":true,\"bricks\":[\"node1:/a\",\"node1:/b\"]}");
    assertEquals(2, v.bricks().size());
  }

  @Test
  void existingNameAndBricksOfOtherVolumesConflict() {
    Volume first = plan("{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/a\",\"node2:/a\"]}");
    List<Volume> vols = new ArrayList<>(List.of(first));
    PoolState withV = new PoolState("pool", 4, pool.members(), vols);
    MortarException exists = assertThrows(MortarException.class, () -> plan(withV, Set.of(),
        "{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/c\",\"node2:/c\"]}"));
    assertEquals(ErrorCode.CONFLICT, exists.code());
    MortarException nested = assertThrows(MortarException.class, () -> plan(withV, Set.of(),
        "{\"name\":\"w\",\"replica\":2,\"bricks\":[\"node1:/a/inner\",\"node2:/c\"]}"));
    assertEquals(ErrorCode.CONFLICT, nested.code());
    assertTrue(nested.getMessage().contains("of volume v"));
  }

  @Test
  void disconnectedBrickHostIsUnavailable() {
    MortarException e = assertThrows(MortarException.class, () -> plan(pool, Set.of("u2"),
        "{\"name\":\"v\",\"replica\":2,\"bricks\":[\"node1:/a\",\"node2:/a\"]}"));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("node2 is not connected"));
  }

  @Test
  void bricksMustBeStrings() {
    JsonObject j = new JsonObject().put("name", "v").put("bricks", new JsonArray().add(1));
    assertThrows(MortarException.class, () -> VolumeRequest.fromJson(j));
  }
}
