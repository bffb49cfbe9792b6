package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's extended attributes ({@code user.*}) of brick files. Those of Mortar ({@code user.mortar.*}) are neither
 * listed nor settable; symbolic links carry none.
 */
final class UserXattrs {
  private final BrickPaths paths;
  private final FileAttributes attributes;

  UserXattrs(BrickPaths paths, FileAttributes attributes) {
    this.paths = paths;
    this.attributes = attributes;
  }

  private UserDefinedFileAttributeView view(String path, String name) {
    Path p = paths.resolve(path);
    if (name != null) {
      BrickNames.checkXattrName(name);
    }
    if (attributes.of(p, path).isSymlink()) {
      throw new BrickException(Errno.EPERM, path + ": symbolic links cannot carry user extended attributes");
    }
    return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  Buffer get(String path, String name) {
    UserDefinedFileAttributeView v = view(path, name);
    String n = name.substring(5);
    try {
      ByteBuffer buf = ByteBuffer.allocate(v.size(n));
      v.read(n, buf);
      buf.flip();
      return BufferInternal.buffer(Unpooled.wrappedBuffer(buf));
    } catch (IOException e) {
      throw IoErrors.map(e, path + " [" + name + "]");
    }
  }

  void set(String path, String name, Buffer value, int flags) {
    BrickNames.checkXattrValue(name, value.length());
    UserDefinedFileAttributeView v = view(path, name);
    String n = name.substring(5);
    try {
      BrickNames.checkXattrFlags(path, name, v.list().contains(n), flags);
      v.write(n, ((BufferInternal) value).getByteBuf().nioBuffer());
    } catch (IOException e) {
      throw IoErrors.map(e, path + " [" + name + "]");
    }
  }

  List<String> list(String path) {
    UserDefinedFileAttributeView v = view(path, null);
    try {
      List<String> out = new ArrayList<>();
      for (String n : v.list()) {
        if (!n.startsWith("mortar.")) {
          out.add("user." + n);
        }
      }
      return out;
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  void remove(String path, String name) {
    UserDefinedFileAttributeView v = view(path, name);
    try {
      v.delete(name.substring(5));
    } catch (IOException e) {
      throw IoErrors.map(e, path + " [" + name + "]");
    }
  }
}
