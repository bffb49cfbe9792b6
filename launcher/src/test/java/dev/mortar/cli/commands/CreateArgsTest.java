package dev.mortar.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.cli.UsageError;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreateArgsTest {

  private static CreateArgs parse(String words) {
    return CreateArgs.parse("my-volume", Arrays.asList(words.split(" ")));
  }

  private static String error(String words) {
    return assertThrows(UsageError.class, () -> parse(words)).getMessage();
  }

  @Test
  void seedFormWithReplicaAndTransport() {
    CreateArgs a = parse("replica 2 transport tcp node1:/tmp/gluster-test node2:/tmp/gluster-test");
    assertEquals(new CreateArgs("my-volume", 2, null, "tcp",
        List.of("node1:/tmp/gluster-test", "node2:/tmp/gluster-test"), false), a);
    assertEquals(new JsonObject().put("name", "my-volume").put("replica", 2).put("transport", "tcp")
        .put("bricks", new io.vertx.core.json.JsonArray().add("node1:/tmp/gluster-test").add("node2:/tmp/gluster-test"))
        .put("force", false), a.toJson());
  }

  @Test
  void arbiterAndTrailingForce() {
    CreateArgs a = parse("replica 3 arbiter 1 n1:/srv/ba n2:/srv/ba n3:/srv/ba-arbiter force");
    assertEquals(3, a.replica());
    assertEquals(1, a.arbiter());
    assertEquals(List.of("n1:/srv/ba", "n2:/srv/ba", "n3:/srv/ba-arbiter"), a.bricks());
    assertTrue(a.force());
    assertEquals(1, a.toJson().getInteger("arbiter"));
    assertTrue(a.toJson().getBoolean("force"));
  }

  @Test
  void bricksAloneLeaveTheKeywordsToTheNode() {
    CreateArgs a = parse("n1:/b");
    assertNull(a.replica());
    assertNull(a.arbiter());
    assertNull(a.transport());
    assertFalse(a.force());
    assertEquals(new JsonObject().put("name", "my-volume")
        .put("bricks", new io.vertx.core.json.JsonArray().add("n1:/b")).put("force", false), a.toJson());
  }

  @Test
  void keywordsInAnyOrderBeforeTheBricks() {
    CreateArgs a = parse("transport tcp replica 2 n1:/b n2:/b");
    assertEquals(2, a.replica());
    assertEquals("tcp", a.transport());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      "replica => replica needs a count: replica <COUNT>",
      "replica n1:/b n2:/b => replica count 'n1:/b' is not a whole number above 0",
      "replica two n1:/b => replica count 'two' is not a whole number above 0",
      "replica 0 n1:/b => replica count '0' is not a whole number above 0",
      "replica 2 replica 2 n1:/b n2:/b => replica is given twice",
      "replica 3 arbiter 2 n1:/b n2:/b n3:/b => arbiter count must be 1: the last brick of each replica set is the arbiter",
      "arbiter 1 n1:/b n2:/b n3:/b => arbiter comes after replica: replica <COUNT> arbiter 1",
      "replica 3 arbiter => arbiter needs a count: arbiter <COUNT>",
      "transport udp n1:/b => transport needs a type: transport <tcp|rdma|tcp,rdma>",
      "transport => transport needs a type: transport <tcp|rdma|tcp,rdma>",
      "replica 2 => no bricks given: name at least one <HOSTNAME>:<export-dir-abs-path>",
      "force => no bricks given: name at least one <HOSTNAME>:<export-dir-abs-path>",
      "n1:srv/b => Wrong brick type: n1:srv/b, use <HOSTNAME>:<export-dir-abs-path>",
      "n1:/b /srv/b => Wrong brick type: /srv/b, use <HOSTNAME>:<export-dir-abs-path>",
      "n1:/b :/srv/b => Wrong brick type: :/srv/b, use <HOSTNAME>:<export-dir-abs-path>",
      "n1:/b n2 => Wrong brick type: n2, use <HOSTNAME>:<export-dir-abs-path>",
      "n1:/b n1:http:/b => Wrong brick type: n1:http:/b, use <HOSTNAME>:<export-dir-abs-path>",
      "n1:/b force n2:/b => 'force' must come last",
      "n1:/b n2:/b replica 2 => 'replica' must come before the bricks",
      "disperse 3 n1:/b n2:/b n3:/b => disperse volumes are not supported; Mortar makes replicated volumes: replica <COUNT> [arbiter 1]",
  })
  void badGrammarSaysWhatIsWrong(String words, String message) {
    assertEquals(message, error(words));
  }

  @Test
  void aBrickMayBeInAnObjectStore() {
    assertEquals(List.of("n1:/srv/b", "n2:s3://mortar/brick2"), parse("replica 2 n1:/srv/b n2:s3://mortar/brick2")
        .bricks());
  }

  @Test
  void aPathMayHoldAColonAfterTheHost() {
    assertEquals(List.of("n1:/srv/a:b"), parse("n1:/srv/a:b").bricks());
  }

  @Test
  void nodesSharingAnAddressAreNamedWithTheirAdminPort() {
    assertEquals(List.of("127.0.0.1:24007:/a", "127.0.0.1:25007:/a"),
        parse("replica 2 127.0.0.1:24007:/a 127.0.0.1:25007:/a").bricks());
  }
}
