/*
 * The floor of a FUSE file system on this machine: a libfuse 2 passthrough (as libfuse's own fusexmp_fh example)
 * of one local directory, with Mortar's mount options and nothing else: no network, no replication, no Java.
 * bin/bench-fuse runs the workloads on it too, so that what FUSE itself costs is measured in the same run.
 *
 *   passthrough SOURCE_DIR MOUNT_DIR [fuse options]
 */
#define FUSE_USE_VERSION 26
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

static char root[PATH_MAX];

/* The source directory's path for a path of the mount. */
static const char *at(char *buf, const char *path) {
  snprintf(buf, PATH_MAX, "%s%s", root, path);
  return buf;
}

#define P(path) char b_[PATH_MAX]; const char *p = at(b_, path)
#define RET(x) return (x) == -1 ? -errno : 0

static int x_getattr(const char *path, struct stat *st) { P(path); RET(lstat(p, st)); }
static int x_fgetattr(const char *path, struct stat *st, struct fuse_file_info *fi) { (void) path; RET(fstat(fi->fh, st)); }
static int x_access(const char *path, int mask) { P(path); RET(access(p, mask)); }
static int x_readlink(const char *path, char *buf, size_t size) {
  P(path);
  ssize_t n = readlink(p, buf, size - 1);
  if (n == -1) return -errno;
  buf[n] = 0;
  return 0;
}
static int x_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi) {
  (void) off; (void) fi;
  P(path);
  DIR *d = opendir(p);
  if (!d) return -errno;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    struct stat st = {0};
    st.st_ino = e->d_ino;
    st.st_mode = e->d_type << 12;
    if (fill(buf, e->d_name, &st, 0)) break;
  }
  closedir(d);
  return 0;
}
static int x_mkdir(const char *path, mode_t mode) { P(path); RET(mkdir(p, mode)); }
static int x_unlink(const char *path) { P(path); RET(unlink(p)); }
static int x_rmdir(const char *path) { P(path); RET(rmdir(p)); }
static int x_symlink(const char *from, const char *to) { P(to); RET(symlink(from, p)); }
static int x_rename(const char *from, const char *to) {
  char a[PATH_MAX], b[PATH_MAX];
  RET(rename(at(a, from), at(b, to)));
}
static int x_link(const char *from, const char *to) {
  char a[PATH_MAX], b[PATH_MAX];
  RET(link(at(a, from), at(b, to)));
}
static int x_chmod(const char *path, mode_t mode) { P(path); RET(chmod(p, mode)); }
static int x_chown(const char *path, uid_t uid, gid_t gid) { P(path); RET(lchown(p, uid, gid)); }
static int x_truncate(const char *path, off_t size) { P(path); RET(truncate(p, size)); }
static int x_ftruncate(const char *path, off_t size, struct fuse_file_info *fi) { (void) path; RET(ftruncate(fi->fh, size)); }
static int x_utimens(const char *path, const struct timespec ts[2]) { P(path); RET(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW)); }
static int x_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
  P(path);
  int fd = open(p, fi->flags, mode);
  if (fd == -1) return -errno;
  fi->fh = fd;
  return 0;
}
static int x_open(const char *path, struct fuse_file_info *fi) {
  P(path);
  int fd = open(p, fi->flags);
  if (fd == -1) return -errno;
  fi->fh = fd;
  return 0;
}
static int x_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void) path;
  ssize_t n = pread(fi->fh, buf, size, off);
  return n == -1 ? -errno : (int) n;
}
static int x_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void) path;
  ssize_t n = pwrite(fi->fh, buf, size, off);
  return n == -1 ? -errno : (int) n;
}
static int x_statfs(const char *path, struct statvfs *st) { P(path); RET(statvfs(p, st)); }
static int x_flush(const char *path, struct fuse_file_info *fi) { (void) path; RET(close(dup(fi->fh))); }
static int x_release(const char *path, struct fuse_file_info *fi) { (void) path; close(fi->fh); return 0; }
static int x_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
  (void) path;
  RET(datasync ? fdatasync(fi->fh) : fsync(fi->fh));
}
static int x_setxattr(const char *path, const char *name, const char *value, size_t size, int flags) {
  P(path);
  RET(lsetxattr(p, name, value, size, flags));
}
static int x_getxattr(const char *path, const char *name, char *value, size_t size) {
  P(path);
  ssize_t n = lgetxattr(p, name, value, size);
  return n == -1 ? -errno : (int) n;
}
static int x_listxattr(const char *path, char *list, size_t size) {
  P(path);
  ssize_t n = llistxattr(p, list, size);
  return n == -1 ? -errno : (int) n;
}
static int x_removexattr(const char *path, const char *name) { P(path); RET(lremovexattr(p, name)); }

static struct fuse_operations ops = {
  .getattr = x_getattr, .fgetattr = x_fgetattr, .access = x_access, .readlink = x_readlink,
  .readdir = x_readdir, .mkdir = x_mkdir, .unlink = x_unlink, .rmdir = x_rmdir, .symlink = x_symlink,
  .rename = x_rename, .link = x_link, .chmod = x_chmod, .chown = x_chown, .truncate = x_truncate,
  .ftruncate = x_ftruncate, .utimens = x_utimens, .create = x_create, .open = x_open, .read = x_read,
  .write = x_write, .statfs = x_statfs, .flush = x_flush, .release = x_release, .fsync = x_fsync,
  .setxattr = x_setxattr, .getxattr = x_getxattr, .listxattr = x_listxattr, .removexattr = x_removexattr,
  .flag_nullpath_ok = 1,
};

int main(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SOURCE_DIR MOUNT_DIR [fuse options]\n", argv[0]);
    return 2;
  }
  if (!realpath(argv[1], root)) {
    perror(argv[1]);
    return 1;
  }
  umask(0);
  return fuse_main(argc - 1, argv + 1, &ops, NULL);
}
