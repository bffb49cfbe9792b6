package dev.mortar.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunablesTest {
  @TempDir
  Path dir;

  @AfterEach
  void defaults() {
    Tunables.load(Map.of(), new Properties());
  }

  @Test
  void aKnobComesFromTheNodesFileAndTheEnvironmentBeatsIt() throws IOException {
    Path file = dir.resolve("mortar.properties");
    Files.writeString(file, "admin.port=25007\nbrick.workers=3\n");
    NodeConfig.load(Map.of("MORTAR_CONFIG", file.toString()), Map.of());
    assertEquals(3, BrickTunables.WORKERS.getInt(), "from the file, beside the node's settings");
    NodeConfig.load(Map.of("MORTAR_CONFIG", file.toString(), "MORTAR_BRICK_WORKERS", "5"), Map.of());
    assertEquals(5, BrickTunables.WORKERS.getInt(), "environment over file");
    Tunables.load(Map.of(), new Properties());
    assertEquals(BrickTunables.WORKERS.defaultValue(), BrickTunables.WORKERS.get(), "default");
  }

  @Test
  void aBadValueNamesItsKeyAndWhatTheKnobIs() {
    IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
        () -> Tunables.load(Map.of("MORTAR_BRICK_WORKERS", "eight"), new Properties()));
    assertTrue(notNumber.getMessage().startsWith("MORTAR_BRICK_WORKERS must be a whole number, not 'eight'"),
        notNumber.getMessage());
    Properties p = new Properties();
    p.setProperty("brick.workers", "0");
    IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> Tunables.load(Map.of(), p));
    assertTrue(tooSmall.getMessage().startsWith("brick.workers must be at least 1, not 0"), tooSmall.getMessage());
  }

  @Test
  void everyKnobHasOneKeyAndIsDocumentedForUsers() throws IOException {
    Set<String> seen = new HashSet<>();
    Tunables.keys().forEach(k -> assertTrue(seen.add(k), k + " is listed twice"));
    Path doc = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/settings.md");
    String text = Files.readString(doc);
    for (Tunable t : Tunables.all()) {
      assertTrue(text.contains("`" + t.key() + "`"), t.key() + " is not in docs/settings.md");
    }
  }
}
