package dev.mortar.brick.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.FileMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The tree as loading rebuilds it from the inodes a crash left in the bucket. */
class InodeTreeTest extends AgainstS3Proxy {

  private static Inode file(String name, long ctime, Inode.Name... more) {
    List<Inode.Name> names = new ArrayList<>(List.of(new Inode.Name(InodeTree.ROOT_ID, name)));
    names.addAll(List.of(more));
    return new Inode(UUID.randomUUID().toString(), names, new FileMeta(UUID.randomUUID().toString(), 0, 0, 0,
        Map.of()), Attr.S_IFREG | 0644, 0, 0, ctime, ctime, ctime, 0, null, Map.of(), List.of(), 0);
  }

  @Test
  void aNameTwoInodesClaimAfterACrashInARenameGoesToTheOneRenamedLast() {
    PartsOnS3 b = parts("claims");
    Inode replaced = file("x", 1_000);
    Inode moved = file("x", 2_000);
    Inode keepsAnother = file("y", 500, new Inode.Name(InodeTree.ROOT_ID, "z"));
    Inode renamedOver = file("z", 3_000);
    for (Inode i : List.of(replaced, moved, keepsAnother, renamedOver)) {
      b.store.put(InodeTree.INODES + i.id(), i.encode());
    }

    InodeTree readOnly = new InodeTree(b.store, b.listener);
    readOnly.load(false);
    assertEquals(moved.id(), readOnly.find("/x").id());
    assertNotNull(b.store.get(InodeTree.INODES + replaced.id()), "looking changes nothing in the bucket");

    InodeTree tree = new InodeTree(b.store, b.listener);
    tree.load(true);
    assertEquals(moved.id(), tree.find("/x").id(), "the newer ctime has the name");
    assertNull(b.store.get(InodeTree.INODES + replaced.id()), "the other had no other name: it is gone");
    assertEquals(renamedOver.id(), tree.find("/z").id());
    assertEquals(keepsAnother.id(), tree.find("/y").id());
    assertEquals(List.of(new Inode.Name(InodeTree.ROOT_ID, "y")),
        Inode.decode(b.store.get(InodeTree.INODES + keepsAnother.id())).names(), "it keeps its other name");
  }
}
