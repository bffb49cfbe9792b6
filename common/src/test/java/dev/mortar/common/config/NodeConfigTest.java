package dev.mortar.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir
  Path dir;

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws IOException {
    Path file = dir.resolve("mortar.properties");
    Files.writeString(file, "admin.port=25007\ncluster.port=25008\neventbus.port=25009\n");
    NodeConfig c = NodeConfig.load(
        Map.of("MORTAR_CONFIG", file.toString(), "MORTAR_CLUSTER_PORT", "26008", "MORTAR_EVENTBUS_PORT", "26009"),
        Map.of(Setting.EVENTBUS_PORT, "27009"));
    assertEquals(25007, c.adminPort(), "from the file");
    assertEquals(26008, c.clusterPort(), "environment over file");
    assertEquals(27009, c.eventBusPort(), "flag over environment");
    assertEquals("/var/lib/mortar", c.stateDir().toString(), "default");
  }

  @Test
  void mistakesAreNamed() throws IOException {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "admin.prot=1\n");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.load(Map.of("MORTAR_CONFIG", file.toString()), Map.of()));
    assertTrue(unknown.getMessage().contains("unknown setting 'admin.prot'"));
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.load(Map.of(), Map.of(Setting.ADMIN_PORT, "http")));
    assertTrue(port.getMessage().contains("--admin-port"));
    assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.load(Map.of(), Map.of(Setting.CLUSTER_PORT, "70000")));
    assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.load(Map.of(), Map.of(Setting.CONFIG, dir.resolve("missing").toString())));
  }

  @Test
  void everySettingHasItsOwnFlagAndVariable() {
    Set<String> flags = new HashSet<>();
    Set<String> envs = new HashSet<>();
    for (Setting s : Setting.values()) {
      assertTrue(flags.add(s.flag()), "duplicate flag " + s.flag());
      assertTrue(envs.add(s.env()), "duplicate variable " + s.env());
      assertTrue(s.env().startsWith("MORTAR_"));
    }
    assertEquals("--state-dir", Setting.STATE_DIR.flag());
    assertEquals("MORTAR_STATE_DIR", Setting.STATE_DIR.env());
    assertEquals("MORTAR_LOG_LEVEL", Setting.LOG_LEVEL.env());
  }

  @Test
  void theShippedDefaultFileIsValid() {
    Path shipped = Path.of("..", "config", "mortar.properties");
    NodeConfig c = NodeConfig.load(Map.of("MORTAR_CONFIG", shipped.toString()), Map.of());
    assertEquals(24007, c.adminPort());
  }
}
