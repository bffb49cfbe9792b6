package dev.mortar.brick.storage.s3;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The tree and blocks of a brick on a fresh prefix of a real S3 server, for the tests of one part. The blocks the
 * tree drops are kept in {@link #dropped} instead of being deleted, so a test sees what a change gave up.
 */
final class PartsOnS3 {
  final String prefix;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final S3Store store;
  final Blocks blocks;
  final InodeTree tree;
  final Namespace names;
  final Set<String> dropped = ConcurrentHashMap.newKeySet();
  /** Keeps what the tree drops in {@link #dropped}. */
  final InodeTree.Listener listener = new InodeTree.Listener() {
    @Override
    public void blocksDropped(String inodeId, Set<String> gone) {
      gone.forEach(b -> dropped.add(Blocks.key(inodeId, b)));
    }

    @Override
    public void removed(String inodeId) {
    }
  };

  PartsOnS3(S3ProxyServer server, String prefix) {
    this.prefix = prefix;
    store = new S3Store(server.config(), S3Location.parse("s3://mortar-test/" + prefix), registry, "v", prefix);
    store.ensureBucket();
    blocks = new Blocks(store, new BlockCache(64L << 20));
    tree = new InodeTree(store, listener);
    tree.load(true);
    names = new Namespace(tree);
  }

  BlockReader reader() {
    return new BlockReader(tree::regularFile, blocks, ReadAhead.off(blocks));
  }

  /** PUTs the store made so far. */
  long puts() {
    Timer t = registry.find("mortar_s3_requests_seconds").tag("type", "put").tag("outcome", "ok").timer();
    return t == null ? 0 : t.count();
  }

  Set<String> blocksInBucket() {
    return store.list(Blocks.PREFIX).stream().map(S3Store.Entry::key).collect(Collectors.toCollection(HashSet::new));
  }

  /** The keys of the blocks a file's manifest names. */
  Set<String> named(String path) {
    Inode f = tree.find(path);
    return f.blocks().stream().map(b -> Blocks.key(f.id(), b)).collect(Collectors.toSet());
  }
}
