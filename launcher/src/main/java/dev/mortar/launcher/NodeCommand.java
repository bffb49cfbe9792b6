package dev.mortar.launcher;

import dev.mortar.common.config.NodeConfig;
import dev.mortar.common.config.Setting;
import dev.mortar.mgmt.Node;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mortar node}: runs one node until SIGTERM. Its options are made from {@link Setting}, so {@code --help}
 * lists every setting with its flag, environment variable and default, and no setting is defined twice.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = {"Run a Mortar node: pool membership, volume management, bricks and the admin API.",
        "Each setting comes from its flag, else its MORTAR_* variable, else the properties file, else the default."})
public final class NodeCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(NodeCommand.class.getName());

  @Spec
  CommandSpec spec;

  /** Adds one option per setting to the command (called when the command line is built). */
  public static CommandLine withSettings(CommandLine cmd) {
    CommandSpec s = cmd.getCommandSpec();
    for (Setting setting : Setting.values()) {
      s.addOption(OptionSpec.builder(setting.flag()).paramLabel(setting.label).type(String.class)
          .description(setting.description + "  [env " + setting.env() + ", default: "
              + (setting.defaultValue.isEmpty() ? "(auto)" : setting.defaultValue) + "]")
          .build());
    }
    return cmd;
  }

  @Override
  public Integer call() throws Exception {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      OptionSpec o = spec.findOption(setting.flag());
      if (o != null && o.getValue() != null) {
        flags.put(setting, o.getValue());
      }
    }
    NodeConfig config;
    try {
      config = NodeConfig.load(System.getenv(), flags);
    } catch (IllegalArgumentException e) {
      System.err.println("mortar node: " + e.getMessage());
      return 2;
    }
    Logger.getLogger("dev.mortar").setLevel(Level.parse(config.logLevel().toUpperCase(java.util.Locale.ROOT)));
    Node node;
    try {
      node = Node.start(config);
    } catch (Exception e) {
      System.err.println("mortar node: cannot start: " + e.getMessage());
      LOG.log(Level.FINE, "start failure", e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        LOG.warning("unclean stop: " + e.getMessage());
      }
      stopped.countDown();
    }, "mortar-stop"));
    System.out.println("mortar node " + node.uuid() + " running; admin API on port " + config.adminPort());
    stopped.await();
    return 0;
  }
}
