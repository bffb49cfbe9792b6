package dev.mortar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.model.VolumeStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole CLI against a fake node: what is sent, what is printed where, and the exit status. */
class MortarTest {
  private static final String VOLUMES = "/api/v1/volumes";
  private static final String MY = VOLUMES + "/my-volume";

  private FakeNode node;

  private record Run(int status, String out, String err) {}

  @BeforeEach
  void start() throws IOException {
    node = new FakeNode();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private Run run(String... args) {
    return run(new Globals(node.address(), false, false), "", false, args);
  }

  /** As a person at a terminal who types {@code input}. */
  private Run interactive(String input, String... args) {
    return run(new Globals(node.address(), false, false), input, true, args);
  }

  private static Run run(Globals globals, String input, boolean interactive, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Terminal terminal = new Terminal(new BufferedReader(new StringReader(input)), new PrintWriter(out),
        new PrintWriter(err), interactive);
    int status = new Mortar(terminal, globals, false).run(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static void assertRun(Run run, int status, String out, String err) {
    assertEquals(out, run.out(), "stdout");
    assertEquals(err, run.err(), "stderr");
    assertEquals(status, run.status(), "exit status");
  }

  private static JsonObject message(String text) {
    return new JsonObject().put("message", text);
  }

  // --- peers and pool

  @Test
  void peerProbeSendsTheHostAndPrintsTheNodesWording() {
    node.answer("POST /api/v1/peers", 200, message("success"));
    assertRun(run("peer", "probe", "n2"), 0, GlusterReference.PEER_PROBE_SUCCESS, "");
    assertEquals(new JsonObject().put("host", "n2"), node.requests.get(0).json());

    node.answer("POST /api/v1/peers", 200, message("Host n2 port 24007 already in peer list"));
    assertRun(run("peer", "probe", "n2"), 0, GlusterReference.PEER_PROBE_ALREADY, "");
    node.answer("POST /api/v1/peers", 200, message("Probe on localhost not needed"));
    assertRun(run("peer", "probe", "n1"), 0, GlusterReference.PEER_PROBE_SELF, "");
  }

  @Test
  void peerProbeFailureGoesToStderr() {
    node.fail("POST /api/v1/peers", 503, "UNAVAILABLE", "Probe returned with Transport endpoint is not connected");
    assertRun(run("peer", "probe", "nosuchhost"), 1, "", GlusterReference.PEER_PROBE_FAILED);
  }

  @Test
  void peerStatusAndPoolList() {
    node.answer("GET /api/v1/peers", 200, Fixtures.peers(true)).answer("GET /api/v1/pool", 200, Fixtures.pool(false));
    assertRun(run("peer", "status"), 0, GlusterReference.PEER_STATUS_TWO, "");
    assertRun(run("pool", "list"), 0, GlusterReference.POOL_LIST_N2_DOWN, "");
  }

  @Test
  void peerDetachAsksAtATerminalAndFailsWith255LikeGluster() {
    node.fail("DELETE /api/v1/peers/n3", 409, "CONFLICT", "Peer n3 hosts one or more bricks. If the peer is in not"
        + " recoverable state then use either replace-brick or remove-brick command with force to remove all bricks"
        + " from the peer and attempt the peer detach again.");
    assertRun(interactive("y\n", "peer", "detach", "n3"), 255, GlusterReference.PEER_DETACH_REFUSED_STDOUT,
        GlusterReference.PEER_DETACH_REFUSED_STDERR);

    node.answer("DELETE /api/v1/peers/n3", 200, message("success"));
    assertRun(interactive("y\n", "peer", "detach", "n3"), 0, GlusterReference.PEER_DETACH_CONFIRMED, "");
  }

  @Test
  void peerDetachForceWithoutTerminalDoesNotAsk() {
    node.answer("DELETE /api/v1/peers/n3?force=true", 200, message("success"));
    assertRun(run("peer", "detach", "n3", "force"), 0, "peer detach: success\n", "");
  }

  // --- volume create / start / stop / delete

  @Test
  void volumeCreateSendsTheParsedGrammar() {
    node.answer("POST " + VOLUMES, 201, new JsonObject().put("volume", Fixtures.myVolume(VolumeStatus.Created))
        .put("message", "success: please start the volume to access data"));
    Run run = run("volume", "create", "my-volume", "replica", "2", "transport", "tcp", "n1:/srv/brick",
        "n2:/srv/brick", "force");
    assertRun(run, 0, GlusterReference.VOLUME_CREATE_SUCCESS, "");
    assertEquals(new JsonObject().put("name", "my-volume").put("replica", 2).put("transport", "tcp")
        .put("bricks", new JsonArray().add("n1:/srv/brick").add("n2:/srv/brick")).put("force", true),
        node.requests.get(0).json());
  }

  @Test
  void volumeCreateRefusedByTheNode() {
    node.fail("POST " + VOLUMES, 400, "BAD_REQUEST", "The brick n1:/srv/brick is being created in the root"
        + " partition. It is recommended that you don't use the system's root partition for storage backend. Or use"
        + " 'force' at the end of the command if you want to override this behavior.");
    Run run = run("volume", "create", "my-volume", "replica", "2", "transport", "tcp", "n1:/srv/brick",
        "n2:/srv/brick");
    assertRun(run, 1, "", GlusterReference.VOLUME_CREATE_FAILED);
  }

  @Test
  void volumeCreateWithBadGrammarSendsNothing() {
    Run run = run("volume", "create", "v", "replica", "3", "arbiter", "2", "n1:/b", "n2:/b", "n3:/b");
    assertEquals(1, run.status());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("arbiter count must be 1: the last brick of each replica set is the arbiter\n\n"
        + "Usage:\nvolume create <NEW-VOLNAME> [replica <COUNT> [arbiter <COUNT>]]"), run.err());
    Run noBricks = run("volume", "create", "v");
    assertEquals(1, noBricks.status());
    assertTrue(noBricks.err().startsWith("no bricks given: name at least one <HOSTNAME>:<export-dir-abs-path>\n"),
        noBricks.err());
    assertEquals(List.of(), node.requests);
  }

  @Test
  void volumeStartAndItsFailure() {
    node.answer("POST " + MY + "/start", 200, message("success"));
    assertRun(run("volume", "start", "my-volume"), 0, GlusterReference.VOLUME_START_SUCCESS, "");
    assertEquals(new JsonObject().put("force", false), node.requests.get(0).json());

    node.fail("POST " + MY + "/start", 409, "CONFLICT", "Volume my-volume already started");
    assertRun(run("volume", "start", "my-volume", "force"), 1, "", GlusterReference.VOLUME_START_FAILED);
    assertEquals(new JsonObject().put("force", true), node.requests.get(1).json());
  }

  @Test
  void onlyForceMayFollowTheVolumeName() {
    Run run = run("volume", "start", "my-volume", "now");
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("unrecognized word: now; only force may follow\n\nUsage:\n"
        + "volume start <VOLNAME> [force]\n"), run.err());
    assertEquals(List.of(), node.requests);
  }

  @Test
  void volumeStopAndDeleteAskAtATerminal() {
    node.answer("POST " + VOLUMES + "/vol3/stop", 200, message("success"))
        .answer("DELETE " + VOLUMES + "/vol3", 200, message("success"));
    assertRun(interactive("y\n", "volume", "stop", "vol3"), 0, GlusterReference.VOLUME_STOP_CONFIRMED, "");
    assertRun(interactive("y\n", "volume", "delete", "vol3"), 0, GlusterReference.VOLUME_DELETE_CONFIRMED, "");
  }

  @Test
  void answeringNoSendsNothing() {
    assertRun(interactive("n\n", "volume", "delete", "vol3"), 0,
        "Deleting volume will erase all information about the volume. Do you want to continue? (y/n) ", "");
    assertRun(interactive("", "volume", "stop", "vol3"), 0,
        "Stopping volume will make its data inaccessible. Do you want to continue? (y/n) ", "");
    assertEquals(List.of(), node.requests);
  }

  @Test
  void scriptModeAndPipesNeverAsk() {
    node.answer("POST " + VOLUMES + "/vol3/stop", 200, message("success"));
    assertRun(interactive("", "volume", "stop", "vol3", "--mode=script"), 0, "volume stop: vol3: success\n", "");
    assertRun(run("volume", "stop", "vol3"), 0, "volume stop: vol3: success\n", "");
    assertEquals(2, node.requests.size());
  }

  // --- volume queries

  @Test
  void volumeInfoAndList() {
    node.answer("GET " + VOLUMES, 200, Fixtures.volumes(Fixtures.myVolume(VolumeStatus.Started), Fixtures.vol3(),
        Fixtures.volarb())).answer("GET " + MY, 200, Fixtures.myVolume(VolumeStatus.Created));
    assertRun(run("volume", "info"), 0, GlusterReference.VOLUME_INFO_ALL, "");
    assertRun(run("volume", "info", "all"), 0, GlusterReference.VOLUME_INFO_ALL, "");
    assertRun(run("volume", "info", "my-volume"), 0, GlusterReference.VOLUME_INFO_MY_VOLUME, "");
    assertRun(run("volume", "list"), 0, GlusterReference.VOLUME_LIST, "");
  }

  @Test
  void noVolumesIsSaidOnStderrWithStatusZero() {
    node.answer("GET " + VOLUMES, 200, Fixtures.volumes());
    assertRun(run("volume", "info"), 0, "", "No volumes present\n");
    assertRun(run("volume", "list"), 0, "", "No volumes present in cluster\n");
    assertRun(run("volume", "status"), 0, "", "No volumes present\n");
  }

  @Test
  void aMissingVolumeGetsGlustersSentence() {
    String missing = "volume nosuchvol: no such volume; 'volume list' shows the volumes";
    node.fail("GET " + VOLUMES + "/nosuchvol", 404, "NOT_FOUND", missing)
        .fail("GET " + VOLUMES + "/nosuchvol/status", 404, "NOT_FOUND", missing)
        .fail("GET " + VOLUMES + "/nosuchvol/options", 404, "NOT_FOUND", missing)
        .fail("GET " + VOLUMES + "/nosuchvol/options/cluster.quorum-type", 404, "NOT_FOUND", missing);
    assertRun(run("volume", "info", "nosuchvol"), 1, "", GlusterReference.VOLUME_INFO_MISSING);
    assertRun(run("volume", "status", "nosuchvol"), 1, "", GlusterReference.VOLUME_STATUS_MISSING);
    assertRun(run("volume", "get", "nosuchvol", "all"), 1, "", GlusterReference.VOLUME_INFO_MISSING);
    assertRun(run("volume", "get", "nosuchvol", "cluster.quorum-type"), 1, "", GlusterReference.VOLUME_INFO_MISSING);
  }

  @Test
  void volumeStatusOfOneStartedVolume() {
    node.answer("GET " + MY + "/status", 200, Fixtures.myVolumeStatus());
    assertRun(run("volume", "status", "my-volume"), 0, GlusterReference.VOLUME_STATUS_MY_VOLUME, "");
  }

  @Test
  void volumeHealAndHealFullPrintGlustersWords() {
    String full = "Launching heal operation to perform full self heal on volume my-volume has been successful \n"
        + "Use heal info commands to check status.";
    node.answer("POST " + MY + "/heal", 200, message(full));
    assertRun(run("volume", "heal", "my-volume", "full"), 0, full + "\n", "");
    assertEquals(true, node.requests.get(0).json().getBoolean("full"), "asks for a full heal");
  }

  @Test
  void volumeHealWithTheHealerOffFailsAsGluster() {
    node.answer("POST " + MY + "/heal", 409, new JsonObject().put("error", "CONFLICT").put("message",
        "Self-heal-daemon is disabled. Heal will not be triggered on volume my-volume"));
    assertRun(run("volume", "heal", "my-volume"), 1, "", "Launching heal operation to perform index self heal on"
        + " volume my-volume has been unsuccessful:\nSelf-heal-daemon is disabled. Heal will not be triggered on"
        + " volume my-volume\n");
  }

  @Test
  void splitBrainCommandsSpeakGlustersWords() {
    assertRun(run("volume", "heal", "my-volume", "split-brain", "latest-mtime", "sb.txt"), 1,
        "<FILE> must be absolute path w.r.t. the volume, starting with '/'\nVolume heal failed.\n", "");
    node.answer("POST " + MY + "/split-brain", 409, new JsonObject().put("error", "CONFLICT")
        .put("message", "Healing /sb.txt failed: No bigger file."));
    assertRun(run("volume", "heal", "my-volume", "split-brain", "bigger-file", "/sb.txt"), 1,
        "Healing /sb.txt failed: No bigger file.\nVolume heal failed.\n", "");
    node.answer("POST " + MY + "/split-brain", 200, message("Healed /sb.txt."));
    assertRun(run("volume", "heal", "my-volume", "split-brain", "source-brick", "n1:/srv/brick", "/sb.txt"), 0,
        "Healed /sb.txt.\n", "");
    JsonObject asked = node.requests.get(node.requests.size() - 1).json();
    assertEquals("source-brick", asked.getString("policy"));
    assertEquals("n1:/srv/brick", asked.getString("source"));
    assertEquals("/sb.txt", asked.getString("file"));
  }

  @Test
  void volumeHealOfAMissingVolume() {
    node.answer("POST /api/v1/volumes/nosuchvol/heal", 404, new JsonObject().put("error", "NOT_FOUND")
        .put("message", "Volume nosuchvol does not exist"));
    assertRun(run("volume", "heal", "nosuchvol"), 254, "Volume nosuchvol does not exist\nVolume heal failed.\n", "");
  }

  @Test
  void volumeStatusOfAVolumeNotStarted() {
    node.answer("GET " + MY + "/status", 200, Fixtures.myVolumeStatus().put("status", "Stopped")
        .put("bricks", new JsonArray()).put("healers", new JsonArray()));
    assertRun(run("volume", "status", "my-volume"), 1, "", "Volume my-volume is not started\n");
  }

  @Test
  void volumeStatusOfAllVolumes() {
    JsonArray healers = new JsonArray().add(Fixtures.healer("localhost", 21737)).add(Fixtures.healer("n2", 21776))
        .add(Fixtures.healer("n3", 21761));
    node.answer("GET " + VOLUMES, 200, Fixtures.volumes(Fixtures.myVolume(VolumeStatus.Started), Fixtures.vol3(),
            Fixtures.volarb()))
        .answer("GET " + MY + "/status", 200, Fixtures.myVolumeStatus())
        .answer("GET " + VOLUMES + "/vol3/status", 200, Fixtures.status("vol3", new JsonArray()
            .add(Fixtures.brickStatus("n1", "/srv/b3", 53413, 21875))
            .add(Fixtures.brickStatus("n2", "/srv/b3", 59606, 21896))
            .add(Fixtures.brickStatus("n3", "/srv/b3", 55615, 21893)), healers))
        .answer("GET " + VOLUMES + "/volarb/status", 200, Fixtures.status("volarb", new JsonArray()
            .add(Fixtures.brickStatus("n1", "/srv/ba", 53021, 22000))
            .add(Fixtures.brickStatus("n2", "/srv/ba", 50950, 22019))
            .add(Fixtures.brickStatus("n3", "/srv/ba-arbiter", 57223, 22018)), healers));
    assertRun(run("volume", "status"), 0, GlusterReference.VOLUME_STATUS_ALL, "");
  }

  @Test
  void volumeStatusOfAllSkipsVolumesNotStarted() {
    node.answer("GET " + VOLUMES, 200, Fixtures.volumes(Fixtures.myVolume(VolumeStatus.Started),
            Fixtures.vol3().put("status", "Stopped")))
        .answer("GET " + MY + "/status", 200, Fixtures.myVolumeStatus());
    assertRun(run("volume", "status", "all"), 0, GlusterReference.VOLUME_STATUS_MY_VOLUME + " \n",
        "Volume vol3 is not started\n");
  }

  // --- options

  @Test
  void volumeGetSetReset() {
    node.answer("GET " + MY + "/options/cluster.quorum-type", 200, new JsonObject().put("options", new JsonArray()
            .add(new JsonObject().put("key", "cluster.quorum-type").put("value", "none").put("default", true)
                .put("description", "writes need this many live bricks"))))
        .answer("PUT " + MY + "/options", 200, message("success"))
        .answer("DELETE " + MY + "/options/cluster.quorum-type", 200, message("success: reset volume successful"))
        .answer("DELETE " + MY + "/options", 200, message("success: reset volume successful"));
    assertRun(run("volume", "get", "my-volume", "cluster.quorum-type"), 0, GlusterReference.VOLUME_GET_QUORUM_TYPE, "");
    assertRun(run("volume", "set", "my-volume", "cluster.quorum-type", "auto"), 0,
        GlusterReference.VOLUME_SET_SUCCESS, "");
    assertRun(run("volume", "reset", "my-volume", "cluster.quorum-type"), 0,
        GlusterReference.VOLUME_RESET_SUCCESS, "");
    assertRun(run("volume", "reset", "my-volume"), 0, GlusterReference.VOLUME_RESET_SUCCESS, "");
    assertEquals(new JsonObject().put("options", new JsonObject().put("cluster.quorum-type", "auto")),
        node.requests.get(1).json());
    assertEquals("DELETE " + MY + "/options", node.requests.get(3).method() + " " + node.requests.get(3).uri());
  }

  @Test
  void volumeSetTakesSeveralPairsAndNegativeValues() {
    node.answer("PUT " + MY + "/options", 200, message("success"));
    assertRun(run("volume", "set", "my-volume", "network.ping-timeout", "-1", "auth.allow", "10.0.0.1, 10.0.0.2"), 0,
        "volume set: success\n", "");
    assertEquals(new JsonObject().put("options", new JsonObject().put("network.ping-timeout", "-1")
        .put("auth.allow", "10.0.0.1, 10.0.0.2")), node.requests.get(0).json());
  }

  @Test
  void volumeSetAndResetFailures() {
    node.fail("PUT " + MY + "/options", 400, "BAD_REQUEST", "option cluster.quorum-type: 'most' is not valid")
        .fail("DELETE " + MY + "/options/no.such", 404, "NOT_FOUND", "option no.such does not exist");
    assertRun(run("volume", "set", "my-volume", "cluster.quorum-type", "most"), 1, "",
        "volume set: failed: option cluster.quorum-type: 'most' is not valid\n");
    assertRun(run("volume", "reset", "my-volume", "no.such"), 1, "",
        "volume reset: failed: option no.such does not exist\n");
  }

  @Test
  void volumeSetWithAKeyAndNoValueIsAUsageError() {
    Run run = run("volume", "set", "my-volume", "a", "1", "b");
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("option b has no value\n\nUsage:\nvolume set <VOLNAME> <KEY> <VALUE>"), run.err());
    assertEquals(List.of(), node.requests);
  }

  @Test
  void volumeGetOfAnUnknownOptionOnAnExistingVolume() {
    node.fail("GET " + MY + "/options/no.such", 404, "NOT_FOUND", "option no.such does not exist")
        .answer("GET " + MY, 200, Fixtures.myVolume(VolumeStatus.Started));
    assertRun(run("volume", "get", "my-volume", "no.such"), 1, "",
        "volume get option: failed: option no.such does not exist\n");
  }

  // --- JSON, connection, globals

  @Test
  void jsonPrintsTheAnswerOnStdoutAndErrorsOnStderr() {
    JsonObject pool = Fixtures.pool(true);
    node.answer("GET /api/v1/pool", 200, pool)
        .fail("POST " + MY + "/start", 409, "CONFLICT", "Volume my-volume already started")
        .fail("GET " + VOLUMES + "/nosuchvol", 404, "NOT_FOUND", "no such volume");
    Run ok = run("--json", "pool", "list");
    assertEquals(0, ok.status());
    assertEquals(pool, new JsonObject(ok.out()));
    assertEquals("", ok.err());

    Run failed = run("volume", "start", "my-volume", "--json");
    assertEquals(1, failed.status());
    assertEquals("", failed.out());
    assertEquals(new JsonObject().put("error", "CONFLICT").put("status", 409)
        .put("message", "Volume my-volume already started"), new JsonObject(failed.err()));

    Run missing = run("volume", "info", "nosuchvol", "--json");
    assertEquals(1, missing.status());
    assertEquals("NOT_FOUND", new JsonObject(missing.err()).getString("error"));
  }

  @Test
  void jsonStatusOfAVolumeNotStartedIsAnError() {
    node.answer("GET " + MY + "/status", 200, Fixtures.myVolumeStatus().put("status", "Created"));
    Run run = run("--json", "volume", "status", "my-volume");
    assertEquals(1, run.status());
    assertEquals("", run.out());
    assertEquals(new JsonObject().put("error", "CONFLICT").put("status", 409)
        .put("message", "Volume my-volume is not started"), new JsonObject(run.err()));
  }

  @Test
  void unreachableNodeIsReportedOnStdoutWithStatusOne() {
    String address = node.address();
    node.close();
    Globals globals = new Globals(address, false, false);
    assertRun(run(globals, "", false, "peer", "status"), 1, GlusterReference.CONNECTION_FAILED, "");
    Run json = run(globals, "", false, "--json", "peer", "status");
    assertEquals(1, json.status());
    assertEquals("", json.out());
    assertEquals("Connection failed. Please check if mortar node is operational.",
        new JsonObject(json.err()).getString("message"));
  }

  @Test
  void somethingElseOnThePortIsAFailureNotACrash() {
    node.answer("POST " + MY + "/start", 502, "<html>Bad Gateway</html>");
    assertRun(run("volume", "start", "my-volume"), 1, "",
        "volume start: my-volume: failed: unexpected answer (HTTP 502): <html>Bad Gateway</html>\n");
  }

  @Test
  void remoteHostComesFromTheEnvironmentUnlessGivenOnTheLine() {
    node.answer("GET /api/v1/peers", 200, Fixtures.peers(true));
    Globals fromEnv = Globals.fromEnvironment(Map.of(Globals.REMOTE_HOST_ENV, node.address()));
    assertRun(run(fromEnv, "", false, "peer", "status"), 0, GlusterReference.PEER_STATUS_TWO, "");
    Globals unset = Globals.fromEnvironment(Map.of());
    assertEquals("localhost", unset.remoteHost());
    assertRun(run(unset, "", false, "--remote-host", node.address(), "peer", "status"), 0,
        GlusterReference.PEER_STATUS_TWO, "");
    assertRun(run(unset, "", false, "peer", "status", "--remote-host=" + node.address()), 0,
        GlusterReference.PEER_STATUS_TWO, "");
  }

  @Test
  void badRemoteHostAndModeAreRefused() {
    Run port = run(new Globals("n1:notaport", false, false), "", false, "peer", "status");
    assertRun(port, 1, "", "--remote-host: 'notaport' is not a port number (1-65535)\n");
    Run mode = run("--mode=interactive", "peer", "status");
    assertEquals(1, mode.status());
    assertTrue(mode.err().startsWith("--mode: unknown mode 'interactive'; the only mode is script\n"), mode.err());
    assertEquals(List.of(), node.requests);
  }

  @Test
  void unknownWordsAreUsageErrors() {
    Run run = run("volume", "frobnicate", "v");
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("unrecognized word: frobnicate (position 1)\n\nUsage:\nvolume create "), run.err());
    assertTrue(run.err().contains("\nvolume stop <VOLNAME> [force]\n"), run.err());
    Run group = run("peer");
    assertEquals(1, group.status());
    assertTrue(group.err().startsWith("missing peer command\n\nUsage:\npeer detach"), group.err());
  }

  @Test
  void helpListsEveryCommandWithItsDescription() {
    Run run = run("help");
    assertEquals(0, run.status());
    for (String command : List.of("peer probe", "peer detach", "peer status", "pool list", "volume create",
        "volume start", "volume stop", "volume delete", "volume info", "volume status", "volume list", "volume set",
        "volume get", "volume reset", "node", "help")) {
      assertTrue(run.out().lines().anyMatch(l -> l.startsWith(command + " ") && l.contains(" - ")), command);
    }
    assertTrue(run.out().contains("volume create <NEW-VOLNAME> [replica <COUNT> [arbiter <COUNT>]] "
        + "[transport <tcp|rdma|tcp,rdma>] <NEW-BRICK> ... [force] - create a new volume of specified type with "
        + "mentioned bricks\n"), run.out());
    assertEquals(run("volume", "help").out(), run.out().lines().filter(l -> l.startsWith("volume "))
        .map(l -> l + "\n").reduce("", String::concat));
  }

  // --- the shell

  @Test
  void theShellRunsLineByLineKeepsGoingAfterErrorsAndStopsAtQuit() {
    node.answer("GET /api/v1/peers", 200, Fixtures.peers(true))
        .fail("GET " + VOLUMES + "/nosuchvol", 404, "NOT_FOUND", "no such volume");
    String input = "peer status\n\nvolume info nosuchvol\nbogus words\nvolume info 'unclosed\n"
        + "--remote-host " + node.address() + " peer status  # again\nquit\npeer status\n";
    Run run = run(new Globals(node.address(), false, false), input, false);
    assertEquals(0, run.status());
    assertEquals(GlusterReference.PEER_STATUS_TWO + GlusterReference.PEER_STATUS_TWO, run.out());
    assertTrue(run.err().startsWith(GlusterReference.VOLUME_INFO_MISSING
        + "unrecognized word: bogus (position 0)\n"), run.err());
    assertTrue(run.err().endsWith("unterminated ' quote\n"), run.err());
    assertEquals(3, node.requests.size());
  }

  @Test
  void theShellPromptsAtATerminalAndKeepsItsOptionsForEveryLine() {
    node.answer("GET /api/v1/pool", 200, Fixtures.pool(true));
    Run run = run(Globals.fromEnvironment(Map.of()), "pool list\nexit\n", true, "--remote-host", node.address(),
        "--json");
    assertEquals(0, run.status());
    assertTrue(run.out().startsWith(Shell.PROMPT + "{"), run.out());
    assertTrue(run.out().endsWith("}\n" + Shell.PROMPT), run.out());
    assertEquals(Fixtures.pool(true), new JsonObject(run.out().substring(Shell.PROMPT.length(),
        run.out().length() - Shell.PROMPT.length())));
  }

  @Test
  void theShellAnswersHelpAndQuestionsFromTheSameInput() {
    node.answer("DELETE " + VOLUMES + "/vol3", 200, message("success"));
    Run run = run(new Globals(node.address(), false, false), "volume delete vol3\ny\n", true);
    assertEquals(Shell.PROMPT + GlusterReference.VOLUME_DELETE_CONFIRMED + Shell.PROMPT + "\n", run.out());
    Run help = run(new Globals(node.address(), false, false), "help\n", false);
    assertTrue(help.out().contains("\nquit - leave the mortar shell\n"), help.out());
    assertTrue(!run("help").out().contains("quit"), "quit is listed only in the shell");
  }
}
