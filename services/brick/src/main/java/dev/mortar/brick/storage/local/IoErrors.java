package dev.mortar.brick.storage.local;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/** Turns what Java's file API throws into the errno the kernel gave, so that programs see ENOSPC, not "error". */
final class IoErrors {
  private IoErrors() {}

  static BrickException map(IOException e, String path) {
    if (e instanceof NoSuchFileException) {
      return new BrickException(Errno.ENOENT, path + ": no such file or directory");
    }
    if (e instanceof FileAlreadyExistsException) {
      return new BrickException(Errno.EEXIST, path + ": file exists");
    }
    if (e instanceof DirectoryNotEmptyException) {
      return new BrickException(Errno.ENOTEMPTY, path + ": directory not empty");
    }
    if (e instanceof NotDirectoryException) {
      return new BrickException(Errno.ENOTDIR, path + ": not a directory");
    }
    if (e instanceof AccessDeniedException) {
      return new BrickException(Errno.EACCES, path + ": permission denied");
    }
    if (e instanceof NotLinkException) {
      return new BrickException(Errno.EINVAL, path + ": not a symbolic link");
    }
    if (e instanceof FileSystemLoopException) {
      return new BrickException(Errno.ELOOP, path + ": too many levels of symbolic links");
    }
    String reason = String.valueOf(e instanceof FileSystemException f ? f.getReason() : e.getMessage())
        .toLowerCase(Locale.ROOT);
    Errno errno = reason.contains("no space left") ? Errno.ENOSPC
        : reason.contains("disk quota") ? Errno.ENOSPC
        : reason.contains("is a directory") ? Errno.EISDIR
        : reason.contains("not a directory") ? Errno.ENOTDIR
        : reason.contains("file name too long") ? Errno.ENAMETOOLONG
        : reason.contains("directory not empty") ? Errno.ENOTEMPTY
        : reason.contains("invalid argument") ? Errno.EINVAL
        : reason.contains("operation not permitted") ? Errno.EPERM
        : reason.contains("read-only file system") ? Errno.EROFS
        : reason.contains("too many links") ? Errno.EMLINK
        : reason.contains("no data available") ? Errno.ENODATA
        : reason.contains("levels of symbolic links") ? Errno.ELOOP
        : reason.contains("file too large") ? Errno.EFBIG
        : reason.contains("not supported") ? Errno.EOPNOTSUPP
        : reason.contains("cross-device") ? Errno.EXDEV
        : reason.contains("permission denied") ? Errno.EACCES
        : reason.contains("no such file") ? Errno.ENOENT
        : reason.contains("file exists") ? Errno.EEXIST
        : Errno.EIO;
    return new BrickException(errno, path + ": " + (e instanceof FileSystemException f && f.getReason() != null
        ? f.getReason() : e.getMessage()));
  }
}
