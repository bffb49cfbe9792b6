package dev.mortar.e2e;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test (or a class's setup) fails, prints where each node's log is and its last lines, so a failure can be
 * read without rerunning. Register as a static {@code @RegisterExtension} field and {@link #add} every node.
 */
final class NodeLogs implements TestWatcher, LifecycleMethodExecutionExceptionHandler {
  private final List<NodeProcess> nodes = new CopyOnWriteArrayList<>();

  void add(NodeProcess node) {
    nodes.add(node);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    print(context.getDisplayName());
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    print("setup of " + context.getDisplayName());
    throw t;
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    print("teardown of " + context.getDisplayName());
    throw t;
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    print(context.getDisplayName());
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
  }

  private void print(String what) {
    StringBuilder b = new StringBuilder("[e2e] FAILED: " + what + ". Node logs:\n");
    for (NodeProcess n : nodes) {
      b.append("[e2e]   ").append(n.name).append(" (").append(n.host).append("): ").append(n.log).append('\n');
    }
    for (NodeProcess n : nodes) {
      b.append("----- last lines of ").append(n.log).append(" -----\n").append(n.tail(25)).append('\n');
    }
    System.out.println(b);
  }
}
