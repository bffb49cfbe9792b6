package dev.mortar.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.cli.Fixtures;
import dev.mortar.cli.GlusterReference;
import dev.mortar.common.model.VolumeStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeFormatTest {

  @Test
  void infoOfOneVolume() {
    assertEquals(GlusterReference.VOLUME_INFO_MY_VOLUME,
        VolumeFormat.info(List.of(Fixtures.myVolume(VolumeStatus.Created))));
  }

  @Test
  void infoOfAllVolumesIncludingAnArbiterVolume() {
    String text = VolumeFormat.info(List.of(Fixtures.myVolume(VolumeStatus.Started), Fixtures.vol3(),
        Fixtures.volarb()));
    assertEquals(GlusterReference.VOLUME_INFO_ALL, text);
  }

  @Test
  void infoLeavesOutTheOptionsHeaderWhenNoOptionIsSet() {
    JsonObject v = Fixtures.vol3().put("options", new JsonObject());
    String text = VolumeFormat.info(List.of(v));
    assertEquals(" \nVolume Name: vol3\nType: Replicate\nVolume ID: f2fbd23c-df31-44ce-8d11-0c43b93467c8\n"
        + "Status: Started\nSnapshot Count: 0\nNumber of Bricks: 1 x 3 = 3\nTransport-type: tcp\nBricks:\n"
        + "Brick1: n1:/srv/b3\nBrick2: n2:/srv/b3\nBrick3: n3:/srv/b3\n", text);
  }

  @Test
  void listNamesOneALine() {
    assertEquals(GlusterReference.VOLUME_LIST, VolumeFormat.list(List.of(Fixtures.myVolume(VolumeStatus.Started),
        Fixtures.vol3(), Fixtures.volarb())));
  }

  @Test
  void statusTableKeepsGlusterColumnWidths() {
    assertEquals(GlusterReference.VOLUME_STATUS_MY_VOLUME, VolumeFormat.status(Fixtures.myVolumeStatus()));
  }

  @Test
  void statusListsOnlyWhatTheNodeReports() {
    JsonObject cut = Fixtures.status("my-volume",
        new JsonArray().add(Fixtures.brickStatus("n1", "/srv/brick", 56175, 21720)),
        new JsonArray().add(Fixtures.healer("localhost", 21737)).add(Fixtures.healer("n3", 21761)));
    assertEquals(GlusterReference.VOLUME_STATUS_N2_CUT, VolumeFormat.status(cut));
  }

  @Test
  void statusShowsNotApplicableForAnOfflineBrick() {
    // The node may still report the last port and pid of a dead brick: they are not shown.
    JsonObject down = Fixtures.brickStatus("n2", "/srv/brick", 50457, 21747).put("online", false);
    JsonObject st = Fixtures.status("my-volume",
        new JsonArray().add(Fixtures.brickStatus("n1", "/srv/brick", 56175, 21720)).add(down), new JsonArray());
    assertEquals(GlusterReference.VOLUME_STATUS_BRICK_KILLED, VolumeFormat.status(st));
  }

  @Test
  void statusCutsLongProcessNamesIntoLinesOf43() {
    String path = "/srv/a-rather-long-brick-directory-name-for-this";
    JsonObject st = Fixtures.status("v", new JsonArray().add(Fixtures.brickStatus("node1", path, 49152, 321)),
        new JsonArray());
    List<String> lines = VolumeFormat.status(st).lines().toList();
    assertEquals("Brick node1:/srv/a-rather-long-brick-direct", lines.get(3));
    assertEquals("ory-name-for-this                           49152     0          Y       321  ", lines.get(4));
    assertEquals(" ", lines.get(5));
  }

  @Test
  void statusListsTasksWhenThereAreSome() {
    JsonObject st = Fixtures.status("v", new JsonArray(), new JsonArray());
    st.put("tasks", new JsonArray().add(new JsonObject().put("type", "Rebalance").put("id", "t-1")
        .put("status", "in progress")));
    String text = VolumeFormat.status(st);
    assertEquals("Task Status of Volume v\n"
        + "------------------------------------------------------------------------------\n"
        + "Task                 : Rebalance           \n"
        + "ID                   : t-1                 \n"
        + "Status               : in progress         \n"
        + " \n", text.substring(text.indexOf("Task Status")));
  }

  @Test
  void getMarksDefaultsAndPadsBothColumns() {
    JsonObject answer = new JsonObject().put("options",
        new JsonArray().add(option("cluster.quorum-type", "none", true)));
    assertEquals(GlusterReference.VOLUME_GET_QUORUM_TYPE, VolumeFormat.options(answer));
  }

  @Test
  void getOfEveryOption() {
    JsonObject answer = new JsonObject().put("options", new JsonArray()
        .add(option("cluster.quorum-type", "auto", false))
        .add(option("network.ping-timeout", "2", true)));
    String header = "Option                                   Value                                  \n"
        + "------                                   -----                                  \n";
    assertEquals(header
        + "cluster.quorum-type                      auto                                   \n"
        + "network.ping-timeout                     2 (DEFAULT)                            \n",
        VolumeFormat.options(answer));
  }

  private static JsonObject option(String key, String value, boolean isDefault) {
    return new JsonObject(Map.of("key", key, "value", value, "default", isDefault, "description", "d"));
  }

  /** From GlusterFS's capture: n2 cut off, six entries pending on n1 (note the space after each path). */
  private static final String HEAL_INFO_CUT = "Brick n1:/srv/brick\n"
      + "/ \n/dir1/f3 \n/dir1/f2 \n/dir1 \n/dir1/f1 \n/file1 \n"
      + "Status: Connected\nNumber of entries: 6\n\n"
      + "Brick n2:/srv/brick\nStatus: Transport endpoint is not connected\nNumber of entries: -\n\n";

  private static final String HEAL_SUMMARY_CUT = "Brick n1:/srv/brick\nStatus: Connected\n"
      + "Total Number of entries: 6\nNumber of entries in heal pending: 6\nNumber of entries in split-brain: 0\n"
      + "Number of entries possibly healing: 0\n\n"
      + "Brick n2:/srv/brick\nStatus: Transport endpoint is not connected\nTotal Number of entries: -\n"
      + "Number of entries in heal pending: -\nNumber of entries in split-brain: -\n"
      + "Number of entries possibly healing: -\n\n";

  private static io.vertx.core.json.JsonObject healAnswer() {
    return new io.vertx.core.json.JsonObject().put("name", "my-volume").put("bricks", new io.vertx.core.json.JsonArray()
        .add(new io.vertx.core.json.JsonObject().put("name", "n1:/srv/brick").put("connected", true)
            .put("entries", new io.vertx.core.json.JsonArray(List.of("/", "/dir1/f3", "/dir1/f2", "/dir1", "/dir1/f1",
                "/file1"))))
        .add(new io.vertx.core.json.JsonObject().put("name", "n2:/srv/brick").put("connected", false)));
  }

  @Test
  void healInfoWithABrickCutOff() {
    assertEquals(HEAL_INFO_CUT, VolumeFormat.healInfo(healAnswer(), VolumeFormat.HealView.INFO));
    assertEquals(HEAL_SUMMARY_CUT, VolumeFormat.healInfo(healAnswer(), VolumeFormat.HealView.SUMMARY));
  }

  private static JsonObject splitAnswer() {
    JsonObject answer = new JsonObject().put("name", "my-volume").put("bricks", new JsonArray());
    for (String b : List.of("n1:/srv/brick", "n2:/srv/brick")) {
      answer.getJsonArray("bricks").add(new JsonObject().put("name", b).put("connected", true)
          .put("entries", new JsonArray().add("/sb.txt")).put("splitBrain", new JsonArray().add("/sb.txt")));
    }
    return answer;
  }

  /** GlusterFS's capture of a data split-brain (self-heal daemon off), all three views. */
  @Test
  void healInfoOfASplitBrain() {
    assertEquals("Brick n1:/srv/brick\n/sb.txt - Is in split-brain\nStatus: Connected\nNumber of entries: 1\n\n"
        + "Brick n2:/srv/brick\n/sb.txt - Is in split-brain\nStatus: Connected\nNumber of entries: 1\n\n",
        VolumeFormat.healInfo(splitAnswer(), VolumeFormat.HealView.INFO));
    assertEquals("Brick n1:/srv/brick\n/sb.txt\nStatus: Connected\nNumber of entries in split-brain: 1\n\n"
        + "Brick n2:/srv/brick\n/sb.txt\nStatus: Connected\nNumber of entries in split-brain: 1\n\n",
        VolumeFormat.healInfo(splitAnswer(), VolumeFormat.HealView.SPLIT_BRAIN));
    assertEquals("Brick n1:/srv/brick\nStatus: Connected\nTotal Number of entries: 1\n"
        + "Number of entries in heal pending: 0\nNumber of entries in split-brain: 1\n"
        + "Number of entries possibly healing: 0\n\n"
        + "Brick n2:/srv/brick\nStatus: Connected\nTotal Number of entries: 1\n"
        + "Number of entries in heal pending: 0\nNumber of entries in split-brain: 1\n"
        + "Number of entries possibly healing: 0\n\n",
        VolumeFormat.healInfo(splitAnswer(), VolumeFormat.HealView.SUMMARY));
  }
}
