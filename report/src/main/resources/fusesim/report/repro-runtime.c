/* ---------------------------------------------------------------------------------------------
 * fusesim repro runtime: a raw /dev/fuse server and a syscall driver, the C twin of the Java
 * kernel oracle (kernel/src/main/java/fusesim/kernel: FuseServer, DefaultHandler, LowerTree,
 * TracePolicy, KernelReplay). The trace-specific part is at the end of this file.
 *
 * Processes: this one (controller + server thread, owns /dev/fuse and the mount), a driver child
 * (one thread per trace thread, with the trace's credentials; it never holds /dev/fuse, so a
 * page fault waiting for a READ never blocks the server's memory), and a janitor child that
 * aborts and detaches the mount if this process dies without cleaning up (even SIGKILL).
 * Output: TAP (kselftest style), one line per trace statement. Exit 0 all met, 1 one was not,
 * 4 (KSFT_SKIP) the kernel cannot be used here.
 * ------------------------------------------------------------------------------------------- */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>

/* the runtime has a function per kind of statement; a trace uses some */
#pragma GCC diagnostic ignored "-Wunused-function"
/* every string copy is bounded; a path longer than MAXPATH is cut, never overflows */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4
#define MAXPATH 512
#define MAXNODES 512
#define MAXLOG 8192
#define REQTEXT (MAXPATH + 384) /* a request in trace form: the name, the in-arg and the fields */
#define MAXHELD 64
#define MAXRULES 256
#define MAXFDS 256
#define MAXMAPS 64
#define NAMESBUF 8192
#define MAP_LENGTH (1L << 20)
#define STEP_TIMEOUT_MS 5000
#define SETTLE_MS 4
#define HINT_QUIET_MS 2
#define HINT_WAIT_MS 200
#define ASLEEP_MS 20
#define GRACE_MS 50
#define FIRST_INO 1000
#define ROOT_ID 1
#define INF_SECONDS 2147483647L
#define NO_INODE 0x7ffffffffffffff0ULL

/* ---------------------------------------------------------------- wire (uapi fuse.h 7.45) */
struct fin_header { uint32_t len, opcode; uint64_t unique, nodeid; uint32_t uid, gid, pid; uint16_t extlen, pad; };
struct fout_header { uint32_t len; int32_t error; uint64_t unique; };
struct fattr { uint64_t ino, size, blocks, atime, mtime, ctime;
               uint32_t atimensec, mtimensec, ctimensec, mode, nlink, uid, gid, rdev, blksize, flags; };
struct fentry_out { uint64_t nodeid, generation, entry_valid, attr_valid;
                    uint32_t entry_valid_nsec, attr_valid_nsec; struct fattr attr; };
struct fattr_out { uint64_t attr_valid; uint32_t attr_valid_nsec, dummy; struct fattr attr; };
struct fopen_out { uint64_t fh; uint32_t open_flags; int32_t backing_id; };
struct fwrite_out { uint32_t size, padding; };
struct finit_in { uint32_t major, minor, max_readahead, flags, flags2, unused[11]; };
struct finit_out { uint32_t major, minor, max_readahead, flags; uint16_t max_background, congestion_threshold;
                   uint32_t max_write, time_gran; uint16_t max_pages, map_alignment;
                   uint32_t flags2, max_stack_depth; uint16_t request_timeout; uint16_t unused[11]; };
struct fread_in { uint64_t fh, offset; uint32_t size, read_flags; uint64_t lock_owner; uint32_t flags, padding; };
struct fwrite_in { uint64_t fh, offset; uint32_t size, write_flags; uint64_t lock_owner; uint32_t flags, padding; };
struct frelease_in { uint64_t fh; uint32_t flags, release_flags; uint64_t lock_owner; };
struct ffsync_in { uint64_t fh; uint32_t fsync_flags, padding; };
struct ffallocate_in { uint64_t fh, offset, length; uint32_t mode, padding; };
struct fcreate_in { uint32_t flags, mode, umask, open_flags; };
struct fmknod_in { uint32_t mode, rdev, umask, padding; };
struct fmkdir_in { uint32_t mode, umask; };
struct flink_in { uint64_t oldnodeid; };
struct fsetattr_in { uint32_t valid, padding; uint64_t fh, size, lock_owner, atime, mtime, ctime;
                     uint32_t atimensec, mtimensec, ctimensec, mode, unused4, uid, gid, unused5; };
struct fforget_one { uint64_t nodeid, nlookup; };
struct fbacking_map { int32_t fd; uint32_t flags; uint64_t padding; };
struct fstatfs_out { uint64_t blocks, bfree, bavail, files, ffree; uint32_t bsize, namelen, frsize, padding, spare[6]; };
#define FUSE_DEV_IOC_BACKING_OPEN 0x4010e501UL
#define FUSE_DEV_IOC_BACKING_CLOSE 0x4004e502UL
#define FATTR_MODE (1 << 0)
#define FATTR_UID (1 << 1)
#define FATTR_GID (1 << 2)
#define FATTR_SIZE (1 << 3)
#define INIT_EXT (1ULL << 30)
#define INIT_PASSTHROUGH (1ULL << 37)
#define INIT_PASSTHROUGH_INO (1ULL << 43)

enum { OP_LOOKUP = 1, OP_FORGET = 2, OP_GETATTR = 3, OP_SETATTR = 4, OP_READLINK = 5, OP_SYMLINK = 6, OP_MKNOD = 8,
       OP_MKDIR = 9, OP_UNLINK = 10, OP_RMDIR = 11, OP_RENAME = 12, OP_LINK = 13, OP_OPEN = 14, OP_READ = 15,
       OP_WRITE = 16, OP_STATFS = 17, OP_RELEASE = 18, OP_FSYNC = 20, OP_SETXATTR = 21, OP_GETXATTR = 22,
       OP_LISTXATTR = 23, OP_REMOVEXATTR = 24, OP_FLUSH = 25, OP_INIT = 26, OP_OPENDIR = 27, OP_READDIR = 28,
       OP_RELEASEDIR = 29, OP_FSYNCDIR = 30, OP_GETLK = 31, OP_SETLK = 32, OP_SETLKW = 33, OP_ACCESS = 34,
       OP_CREATE = 35, OP_INTERRUPT = 36, OP_BMAP = 37, OP_DESTROY = 38, OP_IOCTL = 39, OP_POLL = 40,
       OP_NOTIFY_REPLY = 41, OP_BATCH_FORGET = 42, OP_FALLOCATE = 43, OP_READDIRPLUS = 44, OP_RENAME2 = 45,
       OP_LSEEK = 46, OP_COPY_FILE_RANGE = 47, OP_SETUPMAPPING = 48, OP_REMOVEMAPPING = 49, OP_SYNCFS = 50,
       OP_TMPFILE = 51, OP_STATX = 52, OP_COPY_FILE_RANGE_64 = 53, OP_MAX = 54 };
static const char *OPNAMES[OP_MAX] = {
    [1] = "LOOKUP", [2] = "FORGET", [3] = "GETATTR", [4] = "SETATTR", [5] = "READLINK", [6] = "SYMLINK",
    [8] = "MKNOD", [9] = "MKDIR", [10] = "UNLINK", [11] = "RMDIR", [12] = "RENAME", [13] = "LINK", [14] = "OPEN",
    [15] = "READ", [16] = "WRITE", [17] = "STATFS", [18] = "RELEASE", [20] = "FSYNC", [21] = "SETXATTR",
    [22] = "GETXATTR", [23] = "LISTXATTR", [24] = "REMOVEXATTR", [25] = "FLUSH", [26] = "INIT", [27] = "OPENDIR",
    [28] = "READDIR", [29] = "RELEASEDIR", [30] = "FSYNCDIR", [31] = "GETLK", [32] = "SETLK", [33] = "SETLKW",
    [34] = "ACCESS", [35] = "CREATE", [36] = "INTERRUPT", [37] = "BMAP", [38] = "DESTROY", [39] = "IOCTL",
    [40] = "POLL", [41] = "NOTIFY_REPLY", [42] = "BATCH_FORGET", [43] = "FALLOCATE", [44] = "READDIRPLUS",
    [45] = "RENAME2", [46] = "LSEEK", [47] = "COPY_FILE_RANGE", [48] = "SETUPMAPPING", [49] = "REMOVEMAPPING",
    [50] = "SYNCFS", [51] = "TMPFILE", [52] = "STATX", [53] = "COPY_FILE_RANGE_64"};

static const char *opname(uint32_t op) {
    static char buf[16];
    if (op < OP_MAX && OPNAMES[op]) return OPNAMES[op];
    snprintf(buf, sizeof buf, "OP%u", op);
    return buf;
}

/* ---------------------------------------------------------------- small helpers */
static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}
static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {}
}
static void abs_deadline(struct timespec *ts, long ms) {
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) { ts->tv_sec++; ts->tv_nsec -= 1000000000L; }
}
static void cond_init(pthread_cond_t *c, int shared) {
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    if (shared) pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(c, &a);
}
static void mutex_init(pthread_mutex_t *m, int shared) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    if (shared) pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &a);
}
static const char *errname(int e);
static void pattern(unsigned char *b, long off, long len) {
    for (long i = 0; i < len; i++) b[i] = (unsigned char)('a' + (off + i) % 26);
}
/* what a trace's write(2)/pwrite(2)/mwrite writes: 'A' + (origin + i) % 26 (model Bytes.written,
 * KernelReplay.written), origin 0 for write, the offset for pwrite and mwrite */
static void written(unsigned char *b, long origin, long len) {
    for (long i = 0; i < len; i++) b[i] = (unsigned char)('A' + (origin + i) % 26);
}
static void child_path(char *out, const char *parent, const char *name) {
    if (strcmp(parent, "/") == 0) snprintf(out, MAXPATH, "/%s", name);
    else snprintf(out, MAXPATH, "%s/%s", parent, name);
}

/* ---------------------------------------------------------------- global state */
static char lower_root[MAXPATH], mnt[MAXPATH];
static int mounted, fuse_fd = -1, wake_fd = -1, server_running, server_crashed, server_exited;
static pthread_t server_thread;
static pid_t driver_pid = -1, janitor_pid = -1;
static uint64_t offered_flags;
static int init_done;
static pthread_mutex_t G = PTHREAD_MUTEX_INITIALIZER; /* tree, policy, log, held */
static pthread_cond_t G_cond;                            /* log grew, held changed, init */

/* ---------------------------------------------------------------- lower tree (LowerTree.java) */
enum { OV_NLINK, OV_ATIME, OV_MTIME, OV_CTIME, OV_GENERATION, OV_N };
struct realino { uint64_t real, nodeid; int has[OV_N]; int64_t ov[OV_N]; };
static struct realino reals[MAXNODES];
static int nreals;
struct node { int used; uint64_t nodeid; char path[MAXPATH]; int64_t nlookup; };
static struct node nodes[MAXNODES];
struct lastentry { int used; char path[MAXPATH]; uint64_t nodeid; };
static struct lastentry lastent[MAXNODES];
static uint64_t next_ino = FIRST_INO;

static void fatal_setup(const char *fmt, ...);
static void real_of(char *out, const char *tp) {
    if (strcmp(tp, "/") == 0) snprintf(out, MAXPATH, "%s", lower_root);
    else snprintf(out, MAXPATH, "%s%s", lower_root, tp);
}
static int lstat_tp(const char *tp, struct stat *st) {
    char r[MAXPATH];
    real_of(r, tp);
    return lstat(r, st) == 0 ? 0 : -errno;
}
static struct realino *real_entry(uint64_t real, int create) {
    for (int i = 0; i < nreals; i++) if (reals[i].real == real) return &reals[i];
    if (!create) return NULL;
    if (nreals == MAXNODES) fatal_setup("too many lower inodes (limit %d)", MAXNODES);
    memset(&reals[nreals], 0, sizeof reals[nreals]);
    reals[nreals].real = real;
    return &reals[nreals++];
}
static uint64_t nodeid_of(const struct stat *st, const char *tp) {
    if (strcmp(tp, "/") == 0) return ROOT_ID;
    struct realino *r = real_entry(st->st_ino, 1);
    if (r->nodeid == 0) r->nodeid = next_ino++;
    return r->nodeid;
}
static void assign_ino(const char *tp, uint64_t ino) {
    struct stat st;
    if (lstat_tp(tp, &st) != 0) fatal_setup("lower %s: missing", tp);
    real_entry(st.st_ino, 1)->nodeid = ino;
    if (next_ino < ino + 1) next_ino = ino + 1;
}
static void set_override(const char *tp, int k, int64_t v) {
    struct stat st;
    if (lstat_tp(tp, &st) != 0) fatal_setup("lower %s: missing", tp);
    struct realino *r = real_entry(st.st_ino, 1);
    r->has[k] = 1;
    r->ov[k] = v;
}
static void adjust_override(const char *tp, int k, int64_t d) {
    struct stat st;
    if (lstat_tp(tp, &st) != 0) return;
    struct realino *r = real_entry(st.st_ino, 0);
    if (r && r->has[k]) r->ov[k] += d;
}
static uint64_t generation_of(const struct stat *st) {
    struct realino *r = real_entry(st->st_ino, 0);
    return r && r->has[OV_GENERATION] ? (uint64_t)r->ov[OV_GENERATION] : 0;
}
static void attr_of(struct fattr *a, const struct stat *st, uint64_t nodeid) {
    memset(a, 0, sizeof *a);
    a->ino = nodeid; a->size = st->st_size; a->blocks = st->st_blocks;
    a->atime = st->st_atim.tv_sec; a->mtime = st->st_mtim.tv_sec; a->ctime = st->st_ctim.tv_sec;
    a->atimensec = st->st_atim.tv_nsec; a->mtimensec = st->st_mtim.tv_nsec; a->ctimensec = st->st_ctim.tv_nsec;
    a->mode = st->st_mode; a->nlink = st->st_nlink; a->uid = st->st_uid; a->gid = st->st_gid;
    a->rdev = st->st_rdev; a->blksize = st->st_blksize;
    if ((a->mode & S_IFMT) == S_IFDIR) a->size = 0;
    struct realino *r = real_entry(st->st_ino, 0);
    if (!r) return;
    if (r->has[OV_ATIME]) { a->atime = r->ov[OV_ATIME]; a->atimensec = 0; }
    if (r->has[OV_MTIME]) { a->mtime = r->ov[OV_MTIME]; a->mtimensec = 0; }
    if (r->has[OV_CTIME]) { a->ctime = r->ov[OV_CTIME]; a->ctimensec = 0; }
    if (r->has[OV_NLINK]) a->nlink = (uint32_t)r->ov[OV_NLINK];
}
static struct node *node_of(uint64_t id) {
    for (int i = 0; i < MAXNODES; i++) if (nodes[i].used && nodes[i].nodeid == id) return &nodes[i];
    return NULL;
}
static const char *path_of(uint64_t id) {
    struct node *n = node_of(id);
    return n ? n->path : NULL;
}
static struct lastentry *last_of(const char *p) {
    for (int i = 0; i < MAXNODES; i++) if (lastent[i].used && strcmp(lastent[i].path, p) == 0) return &lastent[i];
    return NULL;
}
static int64_t dentry_nodeid(const char *p) { /* -1: none */
    if (strcmp(p, "/") == 0) return ROOT_ID;
    struct lastentry *l = last_of(p);
    return l ? (int64_t)l->nodeid : -1;
}
static void set_last(const char *p, uint64_t id) {
    struct lastentry *l = last_of(p);
    for (int i = 0; !l && i < MAXNODES; i++) if (!lastent[i].used) l = &lastent[i];
    if (!l) return;
    l->used = 1;
    snprintf(l->path, MAXPATH, "%s", p);
    l->nodeid = id;
}
static void lookup_failed(const char *p) {
    struct lastentry *l = p ? last_of(p) : NULL;
    if (l) l->used = 0;
}
static int first_with_ino(const char *dir, uint64_t ino, char *out) {
    char r[MAXPATH];
    real_of(r, dir);
    struct dirent **list;
    int n = scandir(r, &list, NULL, alphasort);
    if (n < 0) return 0;
    int found = 0;
    for (int i = 0; i < n; i++) {
        if (!found && strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")) {
            char p[MAXPATH];
            struct stat st;
            child_path(p, dir, list[i]->d_name);
            if (lstat_tp(p, &st) == 0) {
                if (st.st_ino == ino) { snprintf(out, MAXPATH, "%s", p); found = 1; }
                else if (S_ISDIR(st.st_mode)) found = first_with_ino(p, ino, out);
            }
        }
        free(list[i]);
    }
    free(list);
    return found;
}
static void canonical(const char *p, char *out) {
    snprintf(out, MAXPATH, "%s", p);
    if (strcmp(p, "/") == 0) return;
    struct stat st;
    if (lstat_tp(p, &st) != 0 || st.st_nlink <= 1 || S_ISDIR(st.st_mode)) return;
    char first[MAXPATH];
    if (first_with_ino("/", st.st_ino, first)) snprintf(out, MAXPATH, "%s", first);
}
static void looked(uint64_t id, const char *p) {
    if (p) set_last(p, id);
    char name[MAXPATH];
    if (p) canonical(p, name);
    struct node *n = node_of(id);
    if (!n) {
        for (int i = 0; i < MAXNODES; i++) if (!nodes[i].used) { n = &nodes[i]; break; }
        if (!n) return;
        n->used = 1; n->nodeid = id; n->nlookup = 0;
        snprintf(n->path, MAXPATH, "%s", p ? name : "");
    }
    if (p && id != ROOT_ID) snprintf(n->path, MAXPATH, "%s", name);
    n->nlookup++;
}
static void forget_node(uint64_t id, uint64_t k) {
    struct node *n = node_of(id);
    if (!n) return;
    n->nlookup -= (int64_t)k;
    if (n->nlookup <= 0 && id != ROOT_ID) {
        n->used = 0;
        for (int i = 0; i < MAXNODES; i++) if (lastent[i].used && lastent[i].nodeid == id) lastent[i].used = 0;
    }
}
static void unlooked(uint64_t id, const char *p, int64_t former) {
    forget_node(id, 1);
    if (p) { if (former < 0) lookup_failed(p); else set_last(p, (uint64_t)former); }
}
static void renamed(const char *from, const char *to) {
    size_t fl = strlen(from);
    for (int i = 0; i < MAXNODES; i++) {
        if (!nodes[i].used) continue;
        char *np = nodes[i].path;
        if (strcmp(np, from) == 0 || (strncmp(np, from, fl) == 0 && np[fl] == '/')) {
            char t[MAXPATH];
            snprintf(t, MAXPATH, "%s%s", to, np + fl);
            snprintf(np, MAXPATH, "%s", t);
        }
    }
    for (int i = 0; i < MAXNODES; i++) {
        if (!lastent[i].used) continue;
        char *np = lastent[i].path;
        if (strcmp(np, from) == 0 || (strncmp(np, from, fl) == 0 && np[fl] == '/')) {
            char t[MAXPATH];
            snprintf(t, MAXPATH, "%s%s", to, np + fl);
            uint64_t id = lastent[i].nodeid;
            lastent[i].used = 0;
            set_last(t, id);
        }
    }
}

/* ---------------------------------------------------------------- requests */
struct req {
    struct fin_header h;
    unsigned char *msg; /* the whole message (owned) */
    size_t len;
    const unsigned char *body;
    char name[256], name2[MAXPATH];
    int has_name, has_name2, has_path;
    char path[MAXPATH];
    struct fforget_one forgets[64];
    int nforgets;
};
static const char *cstr(const unsigned char *p, const unsigned char *end, char *out, size_t n) {
    size_t i = 0;
    while (p + i < end && p[i] && i + 1 < n) { out[i] = (char)p[i]; i++; }
    out[i] = 0;
    const unsigned char *q = p + i;
    while (q < end && *q) q++;
    return (const char *)(q < end ? q + 1 : end);
}
static void decode(struct req *r) {
    memcpy(&r->h, r->msg, sizeof r->h);
    const unsigned char *b = r->msg + sizeof r->h, *end = r->msg + r->len;
    r->body = b;
    const char *self = path_of(r->h.nodeid);
    char n2[MAXPATH];
    switch (r->h.opcode) {
    case OP_LOOKUP: case OP_UNLINK: case OP_RMDIR:
        cstr(b, end, r->name, sizeof r->name); r->has_name = 1; break;
    case OP_CREATE: cstr(b + sizeof(struct fcreate_in), end, r->name, sizeof r->name); r->has_name = 1; break;
    case OP_MKDIR: cstr(b + sizeof(struct fmkdir_in), end, r->name, sizeof r->name); r->has_name = 1; break;
    case OP_MKNOD: cstr(b + sizeof(struct fmknod_in), end, r->name, sizeof r->name); r->has_name = 1; break;
    case OP_SYMLINK: {
        const unsigned char *q = (const unsigned char *)cstr(b, end, r->name, sizeof r->name);
        cstr(q, end, r->name2, sizeof r->name2); r->has_name = 1; r->has_name2 = 1; break;
    }
    case OP_LINK: {
        struct flink_in in; memcpy(&in, b, sizeof in);
        cstr(b + sizeof in, end, r->name, sizeof r->name); r->has_name = 1;
        const char *old = path_of(in.oldnodeid);
        if (old) { snprintf(r->name2, MAXPATH, "%s", old); r->has_name2 = 1; }
        break;
    }
    case OP_RENAME: case OP_RENAME2: {
        uint64_t newdir; memcpy(&newdir, b, 8);
        const unsigned char *q = b + (r->h.opcode == OP_RENAME ? 8 : 16);
        q = (const unsigned char *)cstr(q, end, r->name, sizeof r->name); r->has_name = 1;
        cstr(q, end, n2, sizeof n2);
        const char *td = path_of(newdir);
        if (td) { child_path(r->name2, td, n2); r->has_name2 = 1; }
        break;
    }
    case OP_FORGET: {
        uint64_t k; memcpy(&k, b, 8);
        r->forgets[0].nodeid = r->h.nodeid; r->forgets[0].nlookup = k; r->nforgets = 1; return;
    }
    case OP_BATCH_FORGET: {
        uint32_t count; memcpy(&count, b, 4);
        const unsigned char *q = b + 8;
        for (uint32_t i = 0; i < count && i < 64 && q + 16 <= end; i++, q += 16) memcpy(&r->forgets[r->nforgets++], q, 16);
        return;
    }
    default: break;
    }
    if (r->has_name) {
        if (self) { child_path(r->path, self, r->name); r->has_path = 1; }
    } else if (self) {
        snprintf(r->path, MAXPATH, "%s", self); r->has_path = 1;
    }
}
/* the in-struct fields, decoded as the Java oracle's Request.fields() (by the kernel's names) and
 * rendered as RequestFields.render: in struct order (the REQ_FIELDS table, generated from the
 * Java catalog), a field hanging on a flag only when the flag is set, values in their canonical
 * spelling; CRepro refuses an `expect requests` stating a field this does not decode */
struct fval { const char *name; uint64_t v; const char *s; };
#define MAXFVAL 8
static uint64_t body_u(const struct req *r, size_t off, size_t w) {
    size_t have = r->len - (size_t)(r->body - r->msg);
    if (off + w > have) return 0;
    if (w == 4) { uint32_t x; memcpy(&x, r->body + off, 4); return x; }
    uint64_t x; memcpy(&x, r->body + off, 8); return x;
}
static int put_fval(struct fval *v, int n, const char *name, uint64_t x) {
    if (n < MAXFVAL) { v[n].name = name; v[n].v = x; v[n].s = NULL; n++; }
    return n;
}
#define U32(name, off) n = put_fval(v, n, name, body_u(r, off, 4))
#define U64(name, off) n = put_fval(v, n, name, body_u(r, off, 8))
static int req_values(const struct req *r, struct fval *v, char *xname, size_t xn) {
    int n = 0;
    const unsigned char *end = r->msg + r->len;
    switch (r->h.opcode) {
    case OP_OPEN: case OP_OPENDIR: U32("flags", 0); U32("open_flags", 4); break;
    case OP_CREATE: U32("flags", 0); U32("mode", 4); U32("umask", 8); U32("open_flags", 12); break;
    case OP_MKNOD: U32("rdev", 4); U32("umask", 8); break;
    case OP_MKDIR: U32("mode", 0); U32("umask", 4); break;
    case OP_READ: case OP_READDIR: case OP_READDIRPLUS:
        U64("fh", 0); U64("offset", 8); U32("size", 16); U32("read_flags", 20); U32("flags", 32); break;
    case OP_WRITE: U64("fh", 0); U64("offset", 8); U32("size", 16); U32("write_flags", 20); U32("flags", 32); break;
    case OP_RELEASE: case OP_RELEASEDIR: U64("fh", 0); U32("flags", 8); U32("release_flags", 12); break;
    case OP_FLUSH: U64("fh", 0); break;
    case OP_FSYNC: case OP_FSYNCDIR: U64("fh", 0); U32("fsync_flags", 8); break;
    case OP_GETATTR: U32("getattr_flags", 0); U64("fh", 8); break;
    case OP_SETATTR:
        U32("valid", 0); U64("fh", 8); U64("size", 16); U32("mode", 68); U32("uid", 76); U32("gid", 80); break;
    case OP_LSEEK: U64("fh", 0); U64("offset", 8); U32("whence", 16); break;
    case OP_FALLOCATE: U64("fh", 0); U64("offset", 8); U64("length", 16); U32("mode", 24); break;
    case OP_ACCESS: U32("mask", 0); break;
    case OP_GETXATTR: case OP_LISTXATTR: U32("size", 0); break;
    case OP_SETXATTR: U32("size", 0); U32("flags", 4); break; /* FUSE_COMPAT_SETXATTR_IN_SIZE: no SETXATTR_EXT */
    case OP_RENAME: U64("newdir", 0); break;
    case OP_RENAME2: U64("newdir", 0); U32("flags", 8); break;
    case OP_STATX: U32("getattr_flags", 0); U64("fh", 8); U32("sx_flags", 16); U32("sx_mask", 20); break;
    default: break;
    }
    /* GETXATTR, SETXATTR: the name follows the 8-byte struct; REMOVEXATTR: the name alone */
    size_t at = r->h.opcode == OP_REMOVEXATTR ? 0 : 8;
    if ((r->h.opcode == OP_GETXATTR || r->h.opcode == OP_SETXATTR || r->h.opcode == OP_REMOVEXATTR)
        && r->body + at <= end && n < MAXFVAL) {
        cstr(r->body + at, end, xname, xn);
        v[n].name = "name"; v[n].v = 0; v[n].s = xname; n++;
    }
    return n;
}
#undef U32
#undef U64
enum { FK_INT, FK_OCTAL, FK_FLAGS, FK_ENUM, FK_STRING };
struct fvocab { const char *name; uint64_t v; };
struct fdesc { int op; const char *name; int kind; const struct fvocab *vocab; int accmode; const char *when; uint64_t whenbit; };
/*@REQUEST_FIELDS@*/
static const struct fval *fval_of(const struct fval *v, int n, const char *name) {
    for (int i = 0; i < n; i++) if (!strcmp(v[i].name, name)) return &v[i];
    return NULL;
}
/* RequestFields.flags: the access mode first (open flags), named bits in catalog order, the rest in hex */
static void flags_text(const struct fdesc *d, uint64_t x, char *out, size_t n) {
    uint64_t rest = x;
    out[0] = 0;
    if (d->accmode) {
        for (const struct fvocab *e = d->vocab; e->name; e++)
            if (e->v == (x & 3)) { strncat(out, e->name, n - strlen(out) - 1); break; }
        rest &= ~(uint64_t)3;
    }
    for (const struct fvocab *e = d->vocab; e->name; e++) {
        if ((d->accmode && e->v <= 3) || e->v == 0 || (rest & e->v) != e->v) continue;
        if (out[0]) strncat(out, "|", n - strlen(out) - 1);
        strncat(out, e->name, n - strlen(out) - 1);
        rest &= ~e->v;
    }
    if (rest) {
        char hex[24];
        snprintf(hex, sizeof hex, "%s0x%" PRIx64, out[0] ? "|" : "", rest);
        strncat(out, hex, n - strlen(out) - 1);
    }
    if (!out[0]) snprintf(out, n, "0");
}
/* RequestFields.quote: printable ASCII as is, '"' and '\\' escaped, the rest as \xNN */
static void quote_text(const char *s, char *out, size_t n) {
    size_t u = 0;
    if (n < 8) { out[0] = 0; return; }
    out[u++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && u + 6 < n; p++) {
        if (*p == '"' || *p == '\\') { out[u++] = '\\'; out[u++] = (char)*p; }
        else if (*p < 0x20 || *p > 0x7e) u += (size_t)snprintf(out + u, n - u, "\\x%02x", *p);
        else out[u++] = (char)*p;
    }
    out[u++] = '"';
    out[u] = 0;
}
static void value_text(const struct fdesc *d, const struct fval *f, char *out, size_t n) {
    switch (d->kind) {
    case FK_STRING: quote_text(f->s ? f->s : "", out, n); return;
    case FK_OCTAL: snprintf(out, n, "0%" PRIo64, f->v); return;
    case FK_FLAGS: flags_text(d, f->v, out, n); return;
    case FK_ENUM:
        for (const struct fvocab *e = d->vocab; e && e->name; e++) if (e->v == f->v) { snprintf(out, n, "%s", e->name); return; }
        break;
    default: break;
    }
    snprintf(out, n, "%" PRIu64, f->v);
}
static void req_fields(const struct req *r, char *out, size_t n) {
    struct fval v[MAXFVAL];
    char xname[256] = "", val[320];
    int nv = req_values(r, v, xname, sizeof xname);
    out[0] = 0;
    for (size_t i = 0; i < sizeof REQ_FIELDS / sizeof REQ_FIELDS[0]; i++) {
        const struct fdesc *d = &REQ_FIELDS[i];
        const struct fval *f = d->op == (int)r->h.opcode ? fval_of(v, nv, d->name) : NULL;
        if (!f) continue;
        if (d->when) {
            const struct fval *c = fval_of(v, nv, d->when);
            if (!c || !(c->v & d->whenbit)) continue;
        }
        value_text(d, f, val, sizeof val);
        size_t l = strlen(out);
        snprintf(out + l, n - l, ",%s=%s", d->name, val);
    }
}
static void req_string(const struct req *r, char *out, size_t n) {
    char arg[REQTEXT] = "", fields[320];
    if (r->h.opcode == OP_MKNOD) { struct fmknod_in in; memcpy(&in, r->body, sizeof in); snprintf(arg, sizeof arg, ",0%o", in.mode); }
    else if (r->h.opcode == OP_SYMLINK) snprintf(arg, sizeof arg, ",\"%s\"", r->name2);
    else if (r->h.opcode == OP_LINK) { struct flink_in in; memcpy(&in, r->body, sizeof in); snprintf(arg, sizeof arg, ",%" PRIu64, in.oldnodeid); }
    req_fields(r, fields, sizeof fields);
    strncat(arg, fields, sizeof arg - strlen(arg) - 1);
    if (r->has_name) snprintf(out, n, "%s(%" PRIu64 ",\"%s\"%s)", opname(r->h.opcode), r->h.nodeid, r->name, arg);
    else snprintf(out, n, "%s(%" PRIu64 "%s)", opname(r->h.opcode), r->h.nodeid, arg);
}

/* the request log, in trace form */
struct logent { char text[REQTEXT]; uint32_t pid; };
static struct logent logv[MAXLOG];
static int nlog, log_overflow;
static void log_add(const char *text, uint32_t pid) {
    if (nlog == MAXLOG) { log_overflow = 1; return; }
    snprintf(logv[nlog].text, sizeof logv[nlog].text, "%s", text);
    logv[nlog].pid = pid;
    nlog++;
    pthread_cond_broadcast(&G_cond);
}

/* ---------------------------------------------------------------- policy (TracePolicy.java) */
enum { K_INO, K_NODEID, K_GENERATION, K_ENTRY_VALID, K_ATTR_VALID, K_ENTRY_VALID_NSEC, K_ATTR_VALID_NSEC,
       K_BACKING, K_MODE, K_SIZE, K_UID, K_GID, K_NLINK, K_ATTR_INO, K_FH, K_OPEN_FLAGS, K_MTIME, K_CTIME,
       K_STATX_MASK, K_OPEN_BACKING, K_NEW_BACKING, K_N }; /* the last three: the series' entry2 replies */
/* a trace reply: default, an errno, or a patch of the default answer, or a complete answer */
enum { RS_DEFAULT, RS_ERR, RS_PATCH, RS_OK, RS_DATA, RS_DIRENTS, RS_XATTR, RS_SEEK };
struct rspec {
    int kind;       /* RS_* */
    int err;        /* RS_ERR */
    int is_entry;   /* RS_PATCH from an `entry` reply (READDIRPLUS records take it) */
    int64_t size;   /* RS_DATA: data size=N; RS_XATTR: xattr size=N; RS_SEEK: seek offset=N */
    int has[K_N];
    int64_t val[K_N];
    const char *names[64]; /* RS_DIRENTS, NULL-terminated */
};
struct rule { int used; int op; int any; char path[MAXPATH]; const struct rspec *spec; }; /* any: every path (server like) */
static struct rule rules[MAXRULES];
struct hold { int used; int op; int any; char path[MAXPATH]; };
static struct hold holds[MAXRULES];
static int nholds;
static int enosys_ops[OP_MAX];

/* TracePolicy.answer: the rule for the path, else the rule for every path (server like PRESET) */
static const struct rspec *rule_of(int op, const char *path) {
    for (int i = 0; path && i < MAXRULES; i++)
        if (rules[i].used && !rules[i].any && rules[i].op == op && strcmp(rules[i].path, path) == 0) return rules[i].spec;
    for (int i = 0; i < MAXRULES; i++) if (rules[i].used && rules[i].any && rules[i].op == op) return rules[i].spec;
    return NULL;
}

/* concrete replies */
enum { RP_ERR, RP_OK, RP_DATA, RP_ENTRY, RP_ATTR, RP_OPEN, RP_CREATE, RP_WRITE, RP_HOLD };
struct reply {
    int kind, err;
    struct fentry_out e;
    struct fattr_out a;
    struct fopen_out o;
    uint32_t wsize;
    int32_t ebacking; /* an entry reply's backing id: sent only in fuse_entry2_out */
    uint32_t smask;   /* fuse_entry2_out.statx.mask (statx_mask=; the v2 test server leaves it 0) */
    unsigned char *data;
    size_t dlen;
};
static int64_t pget(const struct rspec *p, int k, int64_t d) { return p->has[k] ? p->val[k] : d; }
static void patch_attr(struct fattr *a, const struct rspec *f) {
    a->ino = (uint64_t)pget(f, K_ATTR_INO, pget(f, K_INO, (int64_t)a->ino));
    a->size = (uint64_t)pget(f, K_SIZE, (int64_t)a->size);
    a->mtime = (uint64_t)pget(f, K_MTIME, (int64_t)a->mtime);
    a->ctime = (uint64_t)pget(f, K_CTIME, (int64_t)a->ctime);
    if (f->has[K_MTIME]) a->mtimensec = 0;
    if (f->has[K_CTIME]) a->ctimensec = 0;
    a->mode = (uint32_t)pget(f, K_MODE, a->mode);
    a->nlink = (uint32_t)pget(f, K_NLINK, a->nlink);
    a->uid = (uint32_t)pget(f, K_UID, a->uid);
    a->gid = (uint32_t)pget(f, K_GID, a->gid);
}
static void patch_entry(struct fentry_out *e, const struct rspec *f) {
    e->nodeid = (uint64_t)pget(f, K_NODEID, pget(f, K_INO, (int64_t)e->nodeid));
    e->generation = (uint64_t)pget(f, K_GENERATION, (int64_t)e->generation);
    e->entry_valid = (uint64_t)pget(f, K_ENTRY_VALID, (int64_t)e->entry_valid);
    e->attr_valid = (uint64_t)pget(f, K_ATTR_VALID, (int64_t)e->attr_valid);
    e->entry_valid_nsec = (uint32_t)pget(f, K_ENTRY_VALID_NSEC, e->entry_valid_nsec);
    e->attr_valid_nsec = (uint32_t)pget(f, K_ATTR_VALID_NSEC, e->attr_valid_nsec);
    patch_attr(&e->attr, f);
}
static void patch_open(struct fopen_out *o, const struct rspec *f) {
    o->fh = (uint64_t)pget(f, K_FH, (int64_t)o->fh);
    o->open_flags = (uint32_t)pget(f, K_OPEN_FLAGS, o->open_flags);
    o->backing_id = (int32_t)pget(f, K_BACKING, o->backing_id);
}
/* ReplyEncoder.patch: a failed default answer is patched over a fallback base */
static void apply_patch(struct reply *r, int op, const struct rspec *f) {
    if (r->kind == RP_ERR || r->kind == RP_OK) {
        memset(r, 0, sizeof *r);
        struct fattr a = {0};
        a.mode = 0100644; a.nlink = 1; a.blksize = 4096;
        switch (op) {
        case OP_GETATTR: case OP_SETATTR: r->kind = RP_ATTR; r->a.attr = a; break;
        case OP_OPEN: case OP_OPENDIR: r->kind = RP_OPEN; break;
        case OP_CREATE: r->kind = RP_CREATE; r->e.attr = a; break;
        default: r->kind = RP_ENTRY; r->e.attr = a; break;
        }
    }
    switch (r->kind) {
    case RP_ENTRY:
        patch_entry(&r->e, f);
        r->ebacking = (int32_t)pget(f, K_BACKING, r->ebacking);
        r->smask = (uint32_t)pget(f, K_STATX_MASK, r->smask);
        break;
    case RP_CREATE: /* the open part's backing id: open_backing=, else backing= (the model's Server.create) */
        patch_entry(&r->e, f);
        patch_open(&r->o, f);
        r->o.backing_id = (int32_t)pget(f, K_OPEN_BACKING, r->o.backing_id);
        r->ebacking = (int32_t)pget(f, K_BACKING, r->ebacking);
        r->smask = (uint32_t)pget(f, K_STATX_MASK, r->smask);
        break;
    case RP_ATTR:
        r->a.attr_valid = (uint64_t)pget(f, K_ATTR_VALID, (int64_t)r->a.attr_valid);
        r->a.attr_valid_nsec = (uint32_t)pget(f, K_ATTR_VALID_NSEC, r->a.attr_valid_nsec);
        patch_attr(&r->a.attr, f);
        break;
    case RP_OPEN: patch_open(&r->o, f); break;
    case RP_WRITE: if (f->has[K_SIZE]) r->wsize = (uint32_t)f->val[K_SIZE]; break;
    default: break;
    }
}

/* ---------------------------------------------------------------- default answers (DefaultHandler.java) */
struct mountcfg {
    uint64_t flags; /* requested INIT flags (64-bit form) */
    int minor, max_stack_depth, max_write, init_error, allow_other, default_permissions;
    int enosys[8];  /* opcodes answered ENOSYS (no_open, no_opendir, no_flush), 0-terminated */
};
static struct mountcfg cfg;
#define ENTRY_VALID 86400
#define ATTR_VALID 86400
struct dirh { int used; uint64_t fh; char path[MAXPATH]; };
static struct dirh dirhs[64];
static uint64_t next_dir_fh = 1ULL << 40;

static void r_err(struct reply *r, int e) { memset(r, 0, sizeof *r); r->kind = RP_ERR; r->err = e; }
static void r_ok(struct reply *r) { memset(r, 0, sizeof *r); r->kind = RP_OK; }
static void r_data(struct reply *r, const void *d, size_t n) {
    memset(r, 0, sizeof *r);
    r->kind = RP_DATA;
    r->data = malloc(n ? n : 1);
    if (n) memcpy(r->data, d, n);
    r->dlen = n;
}
static void d_entry(struct reply *r, const char *path) {
    if (!path) { r_err(r, ENOENT); return; }
    struct stat st;
    int e = lstat_tp(path, &st);
    if (e) { r_err(r, -e); return; }
    memset(r, 0, sizeof *r);
    r->kind = RP_ENTRY;
    uint64_t id = nodeid_of(&st, path);
    r->e.nodeid = id; r->e.generation = generation_of(&st);
    r->e.entry_valid = ENTRY_VALID; r->e.attr_valid = ATTR_VALID;
    attr_of(&r->e.attr, &st, id);
}
static void d_attr(struct reply *r, const char *path) {
    if (!path) { r_err(r, ESTALE); return; }
    struct stat st;
    int e = lstat_tp(path, &st);
    if (e) { r_err(r, -e); return; }
    memset(r, 0, sizeof *r);
    r->kind = RP_ATTR;
    r->a.attr_valid = ATTR_VALID;
    attr_of(&r->a.attr, &st, nodeid_of(&st, path));
}
static int open_lower(const char *path, int extra, int mode) {
    if (!path) return -ESTALE;
    char real[MAXPATH];
    real_of(real, path);
    int fd = open(real, O_RDWR | O_CLOEXEC | extra, mode);
    if (fd < 0 && errno != EEXIST) fd = open(real, O_RDONLY | O_CLOEXEC | extra, mode);
    return fd >= 0 ? fd : -errno;
}
static void d_listing_add(unsigned char *buf, size_t cap, size_t *len, int *stop, uint64_t ino, uint64_t off, uint32_t type, const char *name) {
    size_t nl = strlen(name), rec = (24 + nl + 7) & ~7UL;
    if (*stop || *len + rec > cap) { *stop = 1; return; }
    memset(buf + *len, 0, rec);
    memcpy(buf + *len, &ino, 8); memcpy(buf + *len + 8, &off, 8);
    uint32_t n32 = (uint32_t)nl; memcpy(buf + *len + 16, &n32, 4); memcpy(buf + *len + 20, &type, 4);
    memcpy(buf + *len + 24, name, nl);
    *len += rec;
}
struct dent { uint64_t ino; uint32_t type; char name[256]; };
/* ".", ".." and the children sorted by name (the listing of DefaultHandler.listing) */
static int listing(const char *path, struct dent *out, int max) {
    struct stat self;
    if (lstat_tp(path, &self) != 0) return 0;
    char real[MAXPATH];
    real_of(real, path);
    struct dirent **list;
    int n = scandir(real, &list, NULL, alphasort);
    if (n < 0) return 0;
    uint64_t sid = nodeid_of(&self, path);
    int k = 0;
    out[k].ino = sid; out[k].type = 4; strcpy(out[k].name, "."); k++;
    out[k].ino = sid; out[k].type = 4; strcpy(out[k].name, ".."); k++;
    for (int i = 0; i < n; i++) {
        if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..") && k < max) {
            char c[MAXPATH];
            struct stat st;
            child_path(c, path, list[i]->d_name);
            if (lstat_tp(c, &st) == 0) {
                out[k].ino = nodeid_of(&st, c);
                out[k].type = S_ISDIR(st.st_mode) ? 4 : S_ISLNK(st.st_mode) ? 10 : 8;
                snprintf(out[k].name, sizeof out[k].name, "%s", list[i]->d_name);
                k++;
            }
        }
        free(list[i]);
    }
    free(list);
    return k;
}
static const char *dir_path(uint64_t fh) {
    for (int i = 0; i < 64; i++) if (dirhs[i].used && dirhs[i].fh == fh) return dirhs[i].path;
    return NULL;
}
static void default_answer(struct req *q, struct reply *r);
static void plus_entry(const char *child, struct reply *e) {
    d_entry(e, child);
    const struct rspec *p = rule_of(OP_LOOKUP, child);
    if (p && p->kind == RS_PATCH && p->is_entry && e->kind == RP_ENTRY) apply_patch(e, OP_LOOKUP, p);
}
static void default_answer(struct req *q, struct reply *r) {
    const char *path = q->has_path ? q->path : NULL;
    char real[MAXPATH];
    if (path) real_of(real, path);
    switch (q->h.opcode) {
    case OP_LOOKUP: d_entry(r, path); return;
    case OP_GETATTR: d_attr(r, path); return;
    case OP_SETATTR: {
        struct fsetattr_in s; memcpy(&s, q->body, sizeof s);
        if (!path) { r_err(r, ESTALE); return; }
        int rc = 0;
        if (s.valid & FATTR_MODE) rc |= chmod(real, s.mode & 07777);
        if (rc == 0 && (s.valid & (FATTR_UID | FATTR_GID)))
            rc |= lchown(real, (s.valid & FATTR_UID) ? s.uid : (uid_t)-1, (s.valid & FATTR_GID) ? s.gid : (gid_t)-1);
        if (rc == 0 && (s.valid & FATTR_SIZE)) rc |= truncate(real, (off_t)s.size);
        if (rc != 0) r_err(r, errno); else d_attr(r, path);
        return;
    }
    case OP_OPEN: {
        int fd = open_lower(path, 0, 0);
        if (fd < 0) { r_err(r, -fd); return; }
        memset(r, 0, sizeof *r); r->kind = RP_OPEN; r->o.fh = (uint64_t)fd; return;
    }
    case OP_CREATE: {
        struct fcreate_in c; memcpy(&c, q->body, sizeof c);
        int fd = open_lower(path, O_CREAT | (c.flags & O_EXCL), c.mode & ~c.umask & 07777);
        if (fd < 0) { r_err(r, -fd); return; }
        if (fchown(fd, q->h.uid, q->h.gid)) {}
        d_entry(r, path);
        if (r->kind != RP_ENTRY) { close(fd); return; }
        r->kind = RP_CREATE; r->o.fh = (uint64_t)fd; r->o.open_flags = 0; r->o.backing_id = 0;
        return;
    }
    case OP_READ: {
        struct fread_in in; memcpy(&in, q->body, sizeof in);
        unsigned char *buf = malloc(in.size ? in.size : 1);
        ssize_t n = pread((int)in.fh, buf, in.size, (off_t)in.offset);
        if (n < 0) r_err(r, errno); else r_data(r, buf, (size_t)n);
        free(buf);
        return;
    }
    case OP_WRITE: {
        struct fwrite_in in; memcpy(&in, q->body, sizeof in);
        const unsigned char *d = q->body + sizeof in;
        size_t avail = q->len - (size_t)(d - q->msg), n = in.size < avail ? in.size : avail;
        ssize_t w = pwrite((int)in.fh, d, n, (off_t)in.offset);
        if (w < 0) { r_err(r, errno); return; }
        memset(r, 0, sizeof *r); r->kind = RP_WRITE; r->wsize = (uint32_t)w; return;
    }
    case OP_FLUSH: case OP_ACCESS: case OP_DESTROY: case OP_FSYNCDIR: r_ok(r); return;
    case OP_RELEASE: { struct frelease_in in; memcpy(&in, q->body, sizeof in); close((int)in.fh); r_ok(r); return; }
    case OP_FSYNC: { struct ffsync_in in; memcpy(&in, q->body, sizeof in); if (fsync((int)in.fh)) r_err(r, errno); else r_ok(r); return; }
    case OP_FALLOCATE: {
        struct ffallocate_in f; memcpy(&f, q->body, sizeof f);
        if (fallocate((int)f.fh, (int)f.mode, (off_t)f.offset, (off_t)f.length)) r_err(r, errno); else r_ok(r);
        return;
    }
    case OP_OPENDIR: {
        struct stat st;
        int e = path ? lstat_tp(path, &st) : -ESTALE;
        if (e) { r_err(r, -e); return; }
        if (!S_ISDIR(st.st_mode)) { r_err(r, ENOTDIR); return; }
        uint64_t fh = ++next_dir_fh;
        for (int i = 0; i < 64; i++) if (!dirhs[i].used) { dirhs[i].used = 1; dirhs[i].fh = fh; snprintf(dirhs[i].path, MAXPATH, "%s", path); break; }
        memset(r, 0, sizeof *r); r->kind = RP_OPEN; r->o.fh = fh; return;
    }
    case OP_READDIR: case OP_READDIRPLUS: {
        struct fread_in in; memcpy(&in, q->body, sizeof in);
        static struct dent all[256];
        const char *dp = dir_path(in.fh);
        int n = dp ? listing(dp, all, 256) : 0;
        unsigned char *buf = calloc(1, in.size + 1);
        size_t len = 0;
        int stop = 0;
        for (int i = (int)(in.offset < (uint64_t)n ? in.offset : (uint64_t)n); i < n && !stop; i++) {
            if (q->h.opcode == OP_READDIR) {
                d_listing_add(buf, in.size, &len, &stop, all[i].ino, (uint64_t)i + 1, all[i].type, all[i].name);
                continue;
            }
            size_t nl = strlen(all[i].name), rec = (24 + nl + 7) & ~7UL;
            if (in.size - len < sizeof(struct fentry_out) + rec) break;
            int dot = !strcmp(all[i].name, ".") || !strcmp(all[i].name, "..");
            char c[MAXPATH];
            child_path(c, q->has_path ? q->path : "/", all[i].name);
            struct reply e;
            memset(&e, 0, sizeof e);
            if (!dot) plus_entry(c, &e);
            if (!dot && e.kind == RP_ENTRY) { memcpy(buf + len, &e.e, sizeof e.e); looked(e.e.nodeid, c); }
            len += sizeof(struct fentry_out);
            d_listing_add(buf, in.size, &len, &stop, all[i].ino, (uint64_t)i + 1, all[i].type, all[i].name);
        }
        r_data(r, buf, len);
        free(buf);
        return;
    }
    case OP_RELEASEDIR: {
        struct frelease_in in; memcpy(&in, q->body, sizeof in);
        for (int i = 0; i < 64; i++) if (dirhs[i].used && dirhs[i].fh == in.fh) dirhs[i].used = 0;
        r_ok(r); return;
    }
    case OP_STATFS: {
        struct fstatfs_out s = {1 << 20, 1 << 19, 1 << 19, 1 << 16, 1 << 15, 4096, 255, 4096, 0, {0}};
        r_data(r, &s, sizeof s); return;
    }
    case OP_MKDIR: {
        struct fmkdir_in m; memcpy(&m, q->body, sizeof m);
        if (!path) { r_err(r, ESTALE); return; }
        if (mkdir(real, m.mode & ~m.umask & 07777)) { r_err(r, errno); return; }
        if (lchown(real, q->h.uid, q->h.gid)) {}
        d_entry(r, path); return;
    }
    case OP_MKNOD: {
        struct fmknod_in m; memcpy(&m, q->body, sizeof m);
        if (!path) { r_err(r, ESTALE); return; }
        if (mknod(real, m.mode, m.rdev)) { r_err(r, errno); return; }
        if (lchown(real, q->h.uid, q->h.gid)) {}
        chmod(real, m.mode & 07777);
        d_entry(r, path); return;
    }
    case OP_UNLINK: {
        if (!path) { r_err(r, ESTALE); return; }
        struct stat st;
        if (lstat(real, &st) == 0) adjust_override(path, OV_NLINK, -1);
        if (unlink(real) != 0) { int e = errno; adjust_override(path, OV_NLINK, 1); r_err(r, e); return; }
        r_ok(r); return;
    }
    case OP_RMDIR: if (!path) { r_err(r, ESTALE); return; } if (rmdir(real)) r_err(r, errno); else r_ok(r); return;
    /* RENAME2 is not implemented, as DefaultHandler and the model's Server (ENOSYS: the kernel sets
     * no_rename2 and answers EINVAL to every later renameat2 with flags) */
    case OP_RENAME: {
        if (!path || !q->has_name2) { r_err(r, ESTALE); return; }
        char to[MAXPATH];
        real_of(to, q->name2);
        if (rename(real, to)) { r_err(r, errno); return; }
        renamed(path, q->name2);
        r_ok(r); return;
    }
    case OP_LINK: {
        if (!path || !q->has_name2) { r_err(r, ESTALE); return; }
        char old[MAXPATH];
        real_of(old, q->name2);
        if (link(old, real)) { r_err(r, errno); return; }
        adjust_override(path, OV_NLINK, 1);
        d_entry(r, path); return;
    }
    case OP_SYMLINK: {
        if (!path) { r_err(r, ESTALE); return; }
        if (symlink(q->name2, real)) { r_err(r, errno); return; }
        if (lchown(real, q->h.uid, q->h.gid)) {}
        d_entry(r, path); return;
    }
    case OP_READLINK: {
        char buf[4096];
        if (!path) { r_err(r, ESTALE); return; }
        ssize_t n = readlink(real, buf, sizeof buf);
        if (n < 0) r_err(r, errno); else r_data(r, buf, (size_t)n);
        return;
    }
    default: r_err(r, ENOSYS); return;
    }
}
static int makes_node(int op) { return op == OP_MKNOD || op == OP_MKDIR || op == OP_SYMLINK || op == OP_LINK; }
/* new_backing=OPS on a creation reply (v2 14/21; the model's Server.entryWithNewBacking): the v2 test
 * server's do_lookup(..., setup_backing = true) registers a backing for the new node at once, with
 * OPS as fuse_backing_map's ops_mask (the old padding), and names it in the entry2 reply; the
 * ioctl's error is the reply. The node is opened O_RDONLY, or O_PATH where that fails (a symlink):
 * which fd the test server passes for a non-regular node is not known (the model does not tell). */
static void new_backing(const struct req *q, struct reply *r, int64_t ops) {
    char real[MAXPATH];
    if (!q->has_path) { r_err(r, ESTALE); return; }
    real_of(real, q->path);
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fd = open(real, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) { r_err(r, errno); return; }
    struct fbacking_map m = {fd, 0, (uint64_t)ops};
    int rc = ioctl(fuse_fd, FUSE_DEV_IOC_BACKING_OPEN, &m);
    int e = errno;
    close(fd);
    if (rc < 0) r_err(r, e); else r->ebacking = rc;
}
/* the answer to q: spec (a `server reply` reply), else the policy for it, else the default */
static void answer(struct req *q, const struct rspec *spec, struct reply *r) {
    int op = (int)q->h.opcode;
    if (!spec) spec = rule_of(op, q->has_path ? q->path : NULL);
    if (!spec) {
        if (op < OP_MAX && enosys_ops[op]) r_err(r, ENOSYS); else default_answer(q, r);
        return;
    }
    if (spec->kind == RS_DEFAULT) { default_answer(q, r); return; }
    if (spec->kind == RS_ERR) { r_err(r, spec->err); return; }
    if (op == OP_READDIRPLUS) { default_answer(q, r); return; }
    switch (spec->kind) {
    case RS_OK: r_ok(r); return;
    case RS_DATA: {
        if (spec->size < 0) { default_answer(q, r); return; }
        struct fread_in in = {0};
        if (op == OP_READ || op == OP_READDIR) memcpy(&in, q->body, sizeof in);
        unsigned char *b = malloc((size_t)spec->size + 1);
        pattern(b, (long)in.offset, (long)spec->size);
        r_data(r, b, (size_t)spec->size);
        free(b);
        return;
    }
    case RS_XATTR: { /* TracePolicy.xattr: fuse_getxattr_out{N} to size 0, N bytes to >= N, else ERANGE */
        uint32_t want = 0;
        if (op == OP_GETXATTR || op == OP_LISTXATTR) memcpy(&want, q->body, 4);
        if (want == 0) { uint32_t out[2] = {(uint32_t)spec->size, 0}; r_data(r, out, sizeof out); return; }
        if ((uint64_t)spec->size > want) { r_err(r, ERANGE); return; }
        unsigned char *z = calloc(1, (size_t)spec->size + 1);
        r_data(r, z, (size_t)spec->size);
        free(z);
        return;
    }
    case RS_SEEK: { uint64_t off = (uint64_t)spec->size; r_data(r, &off, sizeof off); return; } /* fuse_lseek_out */
    case RS_DIRENTS: {
        struct fread_in in; memcpy(&in, q->body, sizeof in);
        int n = 0;
        while (spec->names[n]) n++;
        unsigned char *buf = calloc(1, in.size + 1);
        size_t len = 0;
        int stop = 0;
        for (int i = (int)(in.offset < (uint64_t)n ? in.offset : (uint64_t)n); i < n; i++) {
            const char *nm = spec->names[i];
            uint64_t ino = 1000 + (uint64_t)i;
            if (!strcmp(nm, ".") || !strcmp(nm, "..")) ino = 1;
            else if (q->has_path) {
                char c[MAXPATH];
                struct stat st;
                child_path(c, q->path, nm);
                if (lstat_tp(c, &st) == 0) ino = nodeid_of(&st, c);
            }
            d_listing_add(buf, in.size, &len, &stop, ino, (uint64_t)i + 1, 8, nm);
        }
        r_data(r, buf, len);
        free(buf);
        return;
    }
    case RS_PATCH: {
        default_answer(q, r);
        if (r->kind == RP_ERR && makes_node(op)) return;
        apply_patch(r, op, spec);
        if (spec->has[K_NEW_BACKING] && makes_node(op) && r->kind == RP_ENTRY) new_backing(q, r, spec->val[K_NEW_BACKING]);
        return;
    }
    }
}

/* ---------------------------------------------------------------- the server thread (FuseServer.java) */
struct held { int used; struct req *q; };
static struct held heldv[MAXHELD];

static int dev_write(const void *buf, size_t n) {
    if (fuse_fd < 0) return ENODEV;
    ssize_t w = write(fuse_fd, buf, n);
    return w == (ssize_t)n ? 0 : (w < 0 ? errno : EIO);
}
/* FUSE_PASSTHROUGH_INO negotiated: entry replies are the series' fuse_entry2_out (312 bytes): the
 * first 40 bytes of fuse_entry_out, backing_id @40, flags @44, reserved @48, fuse_statx @56 */
static int entry2;
static size_t put_entry2(unsigned char *out, const struct fentry_out *e, int32_t backing, uint32_t smask) {
    memset(out, 0, 312);
    memcpy(out, e, 40);
    memcpy(out + 40, &backing, 4);
    unsigned char *x = out + 56;
    memcpy(x, &smask, 4); /* fuse_statx.mask @0 */
    const struct fattr *a = &e->attr;
    uint32_t u;
    uint16_t m = (uint16_t)a->mode;
    u = a->blksize; memcpy(x + 4, &u, 4);
    u = a->nlink; memcpy(x + 16, &u, 4);
    u = a->uid; memcpy(x + 20, &u, 4);
    u = a->gid; memcpy(x + 24, &u, 4);
    memcpy(x + 28, &m, 2);
    memcpy(x + 32, &a->ino, 8); memcpy(x + 40, &a->size, 8); memcpy(x + 48, &a->blocks, 8);
    memcpy(x + 64, &a->atime, 8); memcpy(x + 72, &a->atimensec, 4);
    memcpy(x + 96, &a->ctime, 8); memcpy(x + 104, &a->ctimensec, 4);
    memcpy(x + 112, &a->mtime, 8); memcpy(x + 120, &a->mtimensec, 4);
    return 312;
}
static int send_reply(uint64_t unique, const struct reply *r) {
    unsigned char buf[sizeof(struct fout_header) + 1024];
    const void *payload = NULL;
    size_t plen = 0;
    unsigned char tmp[512];
    struct fout_header h = {0, 0, unique};
    switch (r->kind) {
    case RP_ERR: h.error = -r->err; break;
    case RP_OK: break;
    case RP_DATA: payload = r->data; plen = r->dlen; break;
    case RP_ENTRY:
        if (entry2) { plen = put_entry2(tmp, &r->e, r->ebacking, r->smask); payload = tmp; }
        else { payload = &r->e; plen = sizeof r->e; }
        break;
    case RP_CREATE: {
        size_t n = entry2 ? put_entry2(tmp, &r->e, r->ebacking, r->smask) : (memcpy(tmp, &r->e, sizeof r->e), sizeof r->e);
        memcpy(tmp + n, &r->o, sizeof r->o);
        payload = tmp; plen = n + sizeof r->o; break;
    }
    case RP_ATTR: payload = &r->a; plen = sizeof r->a; break;
    case RP_OPEN: payload = &r->o; plen = sizeof r->o; break;
    case RP_WRITE: { struct fwrite_out w = {r->wsize, 0}; memcpy(tmp, &w, sizeof w); payload = tmp; plen = sizeof w; break; }
    }
    h.len = (uint32_t)(sizeof h + plen);
    if (plen + sizeof h <= sizeof buf) {
        memcpy(buf, &h, sizeof h);
        if (plen) memcpy(buf + sizeof h, payload, plen);
        return dev_write(buf, sizeof h + plen);
    }
    unsigned char *big = malloc(sizeof h + plen);
    memcpy(big, &h, sizeof h);
    memcpy(big + sizeof h, payload, plen);
    int e = dev_write(big, sizeof h + plen);
    free(big);
    return e;
}
/* resolve, bookkeeping (before the write: a woken thread may ask about the new nodeid at once), write */
static int respond(struct req *q, const struct rspec *spec) {
    struct reply r;
    memset(&r, 0, sizeof r);
    pthread_mutex_lock(&G);
    answer(q, spec, &r);
    uint64_t lk = 0;
    if (r.kind == RP_ENTRY && r.e.nodeid != 0) lk = r.e.nodeid;
    else if (r.kind == RP_CREATE) lk = r.e.nodeid;
    const char *p = q->has_path ? q->path : NULL;
    int64_t former = p ? dentry_nodeid(p) : -1;
    if (lk) looked(lk, p);
    else if (q->h.opcode == OP_LOOKUP) lookup_failed(p);
    pthread_mutex_unlock(&G);
    int err = send_reply(q->h.unique, &r);
    if (err && lk) { pthread_mutex_lock(&G); unlooked(lk, p, former); pthread_mutex_unlock(&G); }
    free(r.data);
    return err;
}
static void answer_init(struct req *q) {
    struct finit_in in;
    memset(&in, 0, sizeof in);
    memcpy(&in, q->body, q->len - sizeof(struct fin_header) < sizeof in ? q->len - sizeof(struct fin_header) : sizeof in);
    uint64_t off = in.flags;
    if (in.flags & INIT_EXT) off |= (uint64_t)in.flags2 << 32;
    pthread_mutex_lock(&G);
    offered_flags = off;
    pthread_mutex_unlock(&G);
    if (cfg.init_error) {
        struct fout_header h = {sizeof h, -cfg.init_error, q->h.unique};
        dev_write(&h, sizeof h);
    } else {
        uint64_t flags = cfg.flags & off;
        struct { struct fout_header h; struct finit_out o; } m;
        memset(&m, 0, sizeof m);
        m.h.len = sizeof m; m.h.unique = q->h.unique;
        m.o.major = 7; m.o.minor = (uint32_t)cfg.minor; m.o.max_readahead = in.max_readahead;
        m.o.flags = (uint32_t)flags; m.o.flags2 = (uint32_t)(flags >> 32);
        m.o.max_background = 16; m.o.congestion_threshold = 12; m.o.max_write = (uint32_t)cfg.max_write;
        m.o.time_gran = 1; m.o.max_pages = 256;
        m.o.max_stack_depth = (flags & INIT_PASSTHROUGH) ? (uint32_t)cfg.max_stack_depth : 0;
        entry2 = (flags & INIT_PASSTHROUGH_INO) && (flags & INIT_EXT);
        dev_write(&m, sizeof m);
    }
    pthread_mutex_lock(&G);
    init_done = 1;
    pthread_cond_broadcast(&G_cond);
    pthread_mutex_unlock(&G);
}
static void *server_main(void *arg) {
    (void)arg;
    size_t cap = 1 << 21;
    unsigned char *buf = malloc(cap);
    for (;;) {
        struct pollfd p[2] = {{fuse_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
        int n = poll(p, 2, 1000);
        if (n < 0 && errno != EINTR) break;
        if (p[1].revents) break;
        if (n <= 0) continue;
        ssize_t len = read(fuse_fd, buf, cap);
        if (len < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == ENOENT) continue;
            break;
        }
        struct req *q = calloc(1, sizeof *q);
        q->msg = malloc((size_t)len);
        memcpy(q->msg, buf, (size_t)len);
        q->len = (size_t)len;
        pthread_mutex_lock(&G);
        decode(q);
        uint32_t op = q->h.opcode;
        if (op == OP_FORGET || op == OP_BATCH_FORGET) {
            for (int i = 0; i < q->nforgets; i++) {
                char t[64];
                snprintf(t, sizeof t, "FORGET(%" PRIu64 ",%" PRIu64 ")", q->forgets[i].nodeid, q->forgets[i].nlookup);
                log_add(t, q->h.pid);
                forget_node(q->forgets[i].nodeid, q->forgets[i].nlookup);
            }
            pthread_mutex_unlock(&G);
            free(q->msg); free(q);
            continue;
        }
        if (op != OP_INIT) {
            char t[REQTEXT];
            req_string(q, t, sizeof t);
            log_add(t, q->h.pid);
        }
        if (op == OP_INIT || op == OP_INTERRUPT) {
            pthread_mutex_unlock(&G);
            if (op == OP_INIT) answer_init(q);
            free(q->msg); free(q);
            continue;
        }
        int hold = 0;
        for (int i = 0; i < nholds && !hold; i++)
            if (holds[i].used && holds[i].op == (int)op && (holds[i].any || (q->has_path && !strcmp(holds[i].path, q->path)))) hold = 1;
        if (hold) {
            for (int i = 0; i < MAXHELD; i++) if (!heldv[i].used) { heldv[i].used = 1; heldv[i].q = q; break; }
            pthread_cond_broadcast(&G_cond);
            pthread_mutex_unlock(&G);
            continue;
        }
        pthread_mutex_unlock(&G);
        respond(q, NULL);
        free(q->msg); free(q);
    }
    free(buf);
    pthread_mutex_lock(&G);
    server_exited = 1;
    pthread_mutex_unlock(&G);
    return NULL;
}

/* ---------------------------------------------------------------- the driver child (DriverMain/Syscalls) */
enum { SC_OPEN, SC_CLOSE, SC_DUP, SC_READ, SC_WRITE, SC_PREAD, SC_PWRITE, SC_LSEEK, SC_MMAP, SC_MUNMAP, SC_MREAD,
       SC_MWRITE, SC_FSTAT, SC_STAT, SC_LSTAT, SC_TRUNCATE, SC_FTRUNCATE, SC_CHMOD, SC_FCHMOD, SC_CHOWN, SC_FCHOWN,
       SC_FALLOCATE, SC_FSYNC, SC_GETDENTS, SC_MKDIR, SC_UNLINK, SC_RMDIR, SC_LINK, SC_RENAME, SC_ACCESS,
       SC_READLINK, SC_MKNOD, SC_SYMLINK, SC_RENAMEAT2,
       SC_GETXATTR, SC_SETXATTR, SC_LISTXATTR, SC_REMOVEXATTR, SC_FGETXATTR, SC_FSETXATTR, SC_FLISTXATTR,
       SC_FREMOVEXATTR, SC_FDATASYNC, SC_PREADV, SC_PWRITEV, SC_UTIMENSAT, SC_FUTIMENS, SC_EXIT };
struct call { int sc; char p0[MAXPATH], p1[MAXPATH]; long a[5]; };
#define MAXDATA 65536 /* a trace states at most this many bytes of a read (GRAMMAR.md) */
struct result { long ret; int err; long st[9]; char names[NAMESBUF]; long dlen; unsigned char data[MAXDATA]; };
enum { ST_INO, ST_SIZE, ST_MODE, ST_NLINK, ST_UID, ST_GID, ST_BLOCKS, ST_MTIME, ST_CTIME };
struct slot {
    int state; /* 0 idle, 1 call posted, 2 running, 3 done */
    int tid;
    struct call c;
    struct result r;
};
struct threadinfo { const char *name; int uid, gid; };
#define MAXT 16
struct shm {
    pthread_mutex_t m;
    pthread_cond_t posted, done;
    int ready;
    struct slot slots[MAXT];
};
static struct shm *S;
static int nthreads;
static const struct threadinfo *THREADS;

/* preadv/pwritev: p0 holds the iovec lengths "4,4" (at most 16, the trace language's limit), a[0] the
 * fd, a[1] the offset; the iovecs are consecutive parts of one buffer, as the Java driver lays them
 * out; pwritev writes the pwrite convention's bytes from the offset, preadv's bytes are the result's */
static long do_vector(struct call *c, struct result *r) {
    struct iovec iov[16];
    long total = 0, rc;
    int n = 0;
    for (char *p = c->p0; *p && n < 16; n++) {
        iov[n].iov_len = (size_t)strtol(p, &p, 10);
        total += (long)iov[n].iov_len;
        if (*p == ',') p++;
    }
    unsigned char *b = malloc((size_t)total + 1);
    long at = 0;
    for (int k = 0; k < n; k++) { iov[k].iov_base = b + at; at += (long)iov[k].iov_len; }
    if (c->sc == SC_PWRITEV) {
        written(b, c->a[1], total);
        rc = pwritev((int)c->a[0], iov, n, (off_t)c->a[1]);
    } else {
        rc = preadv((int)c->a[0], iov, n, (off_t)c->a[1]);
        if (rc > 0) { r->dlen = rc < MAXDATA ? rc : MAXDATA; memcpy(r->data, b, (size_t)r->dlen); }
    }
    int saved = errno;
    free(b);
    errno = saved;
    return rc;
}
/* utimensat/futimens: the times in the trace's encoding ("null", or "A,M" each "now", "omit" or
 * "S:N"), as the Java driver's Syscalls.timespecs reads it; NULL for "null" */
static struct timespec *times_of(const char *enc, struct timespec ts[2]) {
    if (!strcmp(enc, "null")) return NULL;
    const char *p = enc;
    for (int k = 0; k < 2; k++) {
        ts[k].tv_sec = 0;
        if (!strncmp(p, "now", 3)) { ts[k].tv_nsec = UTIME_NOW; p += 3; }
        else if (!strncmp(p, "omit", 4)) { ts[k].tv_nsec = UTIME_OMIT; p += 4; }
        else {
            char *e;
            ts[k].tv_sec = strtol(p, &e, 10);
            ts[k].tv_nsec = strtol(e + 1, &e, 10); /* after the ':' */
            p = e;
        }
        if (*p == ',') p++;
    }
    return ts;
}
static void do_call(struct slot *s, int *memfd) {
    struct call *c = &s->c;
    struct result *r = &s->r;
    long rc = 0;
    memset(r, 0, sizeof *r);
    errno = 0;
    switch (c->sc) {
    case SC_OPEN: rc = open(c->p0, (int)c->a[0], (mode_t)c->a[1]); break;
    case SC_CLOSE: rc = close((int)c->a[0]); break;
    case SC_DUP: rc = dup((int)c->a[0]); break;
    case SC_READ: case SC_PREAD: {
        char *b = malloc((size_t)c->a[1] + 1);
        rc = c->sc == SC_READ ? read((int)c->a[0], b, (size_t)c->a[1]) : pread((int)c->a[0], b, (size_t)c->a[1], (off_t)c->a[2]);
        if (rc > 0) { r->dlen = rc < MAXDATA ? rc : MAXDATA; memcpy(r->data, b, (size_t)r->dlen); }
        free(b);
        break;
    }
    case SC_WRITE: case SC_PWRITE: {
        unsigned char *b = malloc((size_t)c->a[1] + 1);
        written(b, c->sc == SC_WRITE ? 0 : c->a[2], c->a[1]);
        rc = c->sc == SC_WRITE ? write((int)c->a[0], b, (size_t)c->a[1]) : pwrite((int)c->a[0], b, (size_t)c->a[1], (off_t)c->a[2]);
        free(b);
        break;
    }
    case SC_PREADV: case SC_PWRITEV: rc = do_vector(c, r); break;
    case SC_LSEEK: rc = lseek((int)c->a[0], (off_t)c->a[1], (int)c->a[2]); break;
    case SC_MMAP: {
        void *p = mmap(NULL, MAP_LENGTH, (int)c->a[1], (int)c->a[2], (int)c->a[0], 0);
        rc = p == MAP_FAILED ? -1 : (long)(uintptr_t)p;
        break;
    }
    case SC_MUNMAP: rc = munmap((void *)(uintptr_t)c->a[0], MAP_LENGTH); break;
    case SC_MREAD: case SC_MWRITE: {
        if (*memfd < 0) *memfd = (int)syscall(SYS_memfd_create, "fusesim", 1);
        char *addr = (char *)(uintptr_t)(c->a[0] + c->a[1]);
        size_t len = (size_t)c->a[2];
        if (c->sc == SC_MREAD) {
            rc = pwrite(*memfd, addr, len, 0); /* reads the mapping in the kernel: EFAULT, no SIGBUS */
        } else {
            unsigned char *b = malloc(len + 1);
            written(b, c->a[1], (long)len);
            if (pwrite(*memfd, b, len, 0) < 0) {}
            free(b);
            rc = pread(*memfd, addr, len, 0);
        }
        break;
    }
    case SC_FSTAT: case SC_STAT: case SC_LSTAT: {
        struct stat st;
        rc = c->sc == SC_FSTAT ? fstat((int)c->a[0], &st) : c->sc == SC_STAT ? stat(c->p0, &st) : lstat(c->p0, &st);
        if (rc == 0) {
            r->st[ST_INO] = (long)st.st_ino; r->st[ST_SIZE] = st.st_size; r->st[ST_MODE] = st.st_mode;
            r->st[ST_NLINK] = (long)st.st_nlink; r->st[ST_UID] = st.st_uid; r->st[ST_GID] = st.st_gid;
            r->st[ST_BLOCKS] = st.st_blocks; r->st[ST_MTIME] = st.st_mtim.tv_sec; r->st[ST_CTIME] = st.st_ctim.tv_sec;
        }
        break;
    }
    case SC_TRUNCATE: rc = truncate(c->p0, (off_t)c->a[0]); break;
    case SC_FTRUNCATE: rc = ftruncate((int)c->a[0], (off_t)c->a[1]); break;
    case SC_CHMOD: rc = chmod(c->p0, (mode_t)c->a[0]); break;
    case SC_FCHMOD: rc = fchmod((int)c->a[0], (mode_t)c->a[1]); break;
    case SC_CHOWN: rc = chown(c->p0, (uid_t)c->a[0], (gid_t)c->a[1]); break;
    case SC_FCHOWN: rc = fchown((int)c->a[0], (uid_t)c->a[1], (gid_t)c->a[2]); break;
    case SC_FALLOCATE: rc = fallocate((int)c->a[0], (int)c->a[1], (off_t)c->a[2], (off_t)c->a[3]); break;
    case SC_FSYNC: rc = fsync((int)c->a[0]); break;
    case SC_FDATASYNC: rc = fdatasync((int)c->a[0]); break;
    case SC_UTIMENSAT: { struct timespec ts[2]; rc = utimensat(AT_FDCWD, c->p0, times_of(c->p1, ts), (int)c->a[0]); break; }
    case SC_FUTIMENS: { struct timespec ts[2]; rc = futimens((int)c->a[0], times_of(c->p0, ts)); break; }
    case SC_GETDENTS: {
        char buf[32768];
        long count = 0;
        size_t used = 0;
        for (;;) {
            long n = syscall(SYS_getdents64, (int)c->a[0], buf, sizeof buf);
            if (n < 0) { rc = -1; break; }
            if (n == 0) { rc = count; break; }
            for (long p = 0; p < n;) {
                unsigned short reclen;
                memcpy(&reclen, buf + p + 16, 2);
                const char *nm = buf + p + 19;
                size_t nl = strnlen(nm, (size_t)reclen - 19);
                if (used + nl + 2 < NAMESBUF) {
                    if (count) r->names[used++] = '/';
                    memcpy(r->names + used, nm, nl);
                    used += nl;
                    r->names[used] = 0;
                }
                count++;
                p += reclen;
            }
        }
        break;
    }
    case SC_MKDIR: rc = mkdir(c->p0, (mode_t)c->a[0]); break;
    case SC_UNLINK: rc = unlink(c->p0); break;
    case SC_RMDIR: rc = rmdir(c->p0); break;
    case SC_LINK: rc = link(c->p0, c->p1); break;
    case SC_RENAME: rc = rename(c->p0, c->p1); break;
    /* the raw syscall: glibc's renameat2() wrapper needs 2.28 */
    case SC_RENAMEAT2: rc = syscall(SYS_renameat2, AT_FDCWD, c->p0, AT_FDCWD, c->p1, (unsigned)c->a[0]); break;
    /* xattr values: only their length is stated (zero bytes set, the bytes read are not compared) */
    case SC_GETXATTR: case SC_FGETXATTR: case SC_LISTXATTR: case SC_FLISTXATTR: {
        static char xbuf[65536];
        size_t n = (size_t)c->a[1];
        void *b = n ? xbuf : NULL;
        if (n > sizeof xbuf) n = sizeof xbuf;
        rc = c->sc == SC_GETXATTR ? getxattr(c->p0, c->p1, b, n)
           : c->sc == SC_FGETXATTR ? fgetxattr((int)c->a[0], c->p1, b, n)
           : c->sc == SC_LISTXATTR ? listxattr(c->p0, b, n) : flistxattr((int)c->a[0], b, n);
        break;
    }
    case SC_SETXATTR: case SC_FSETXATTR: {
        static const char zeros[65536];
        size_t n = (size_t)c->a[1] > sizeof zeros ? sizeof zeros + 1 : (size_t)c->a[1];
        rc = c->sc == SC_SETXATTR ? setxattr(c->p0, c->p1, n > sizeof zeros ? NULL : zeros, n, (int)c->a[2])
           : fsetxattr((int)c->a[0], c->p1, n > sizeof zeros ? NULL : zeros, n, (int)c->a[2]);
        break;
    }
    case SC_REMOVEXATTR: rc = removexattr(c->p0, c->p1); break;
    case SC_FREMOVEXATTR: rc = fremovexattr((int)c->a[0], c->p1); break;
    case SC_ACCESS: rc = access(c->p0, (int)c->a[0]); break;
    case SC_READLINK: {
        char buf[4096];
        rc = readlink(c->p0, buf, sizeof buf);
        if (rc >= 0) { memcpy(r->names, buf, (size_t)rc); r->names[rc] = 0; }
        break;
    }
    case SC_MKNOD: rc = mknod(c->p0, (mode_t)c->a[0], 0); break;
    case SC_SYMLINK: rc = symlink(c->p0, c->p1); break;
    }
    r->ret = rc;
    r->err = rc < 0 ? errno : 0;
}
static void *driver_thread(void *arg) {
    int i = (int)(intptr_t)arg;
    struct slot *s = &S->slots[i];
    int memfd = -1;
    /* per-thread credentials: raw syscalls (glibc's wrappers would change every thread) */
    syscall(SYS_setgroups, 0, NULL);
    syscall(SYS_setresgid, THREADS[i].gid, THREADS[i].gid, THREADS[i].gid);
    syscall(SYS_setresuid, THREADS[i].uid, THREADS[i].uid, THREADS[i].uid);
    pthread_mutex_lock(&S->m);
    s->tid = (int)syscall(SYS_gettid);
    S->ready++;
    pthread_cond_broadcast(&S->done);
    for (;;) {
        while (s->state != 1) pthread_cond_wait(&S->posted, &S->m);
        if (s->c.sc == SC_EXIT) break;
        s->state = 2;
        pthread_mutex_unlock(&S->m);
        do_call(s, &memfd);
        pthread_mutex_lock(&S->m);
        s->state = 3;
        pthread_cond_broadcast(&S->done);
    }
    pthread_mutex_unlock(&S->m);
    return NULL;
}
static void driver_main(void) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (chdir("/")) {}
    for (int i = 0; i < nthreads; i++) {
        pthread_t t;
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, 1 << 20);
        pthread_create(&t, &a, driver_thread, (void *)(intptr_t)i);
    }
    for (;;) pause();
}

/* ---------------------------------------------------------------- mount, abort, teardown (Mounts.java) */
static int connection_id(void) {
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f) return -1;
    char line[4096];
    int id = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned maj, min;
        char mp[MAXPATH];
        if (sscanf(line, "%*d %*d %u:%u %*s %511s", &maj, &min, mp) == 3 && !strcmp(mp, mnt)) id = (int)min;
    }
    fclose(f);
    return id;
}
static int is_mounted(void) { return mnt[0] && connection_id() >= 0; }
static void abort_connection(void) {
    int id = connection_id();
    if (id < 0) return;
    char p[128];
    snprintf(p, sizeof p, "/sys/fs/fuse/connections/%d/abort", id);
    int here = 0;
    if (access("/sys/fs/fuse/connections/", F_OK) == 0 && access(p, F_OK) != 0)
        here = mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL) == 0;
    int fd = open(p, O_WRONLY);
    if (fd >= 0) { if (write(fd, "1", 1)) {} close(fd); }
    if (here) umount2("/sys/fs/fuse/connections", MNT_DETACH);
}
static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(p);
}
static void remove_lower(void) {
    if (!lower_root[0]) return;
    nftw(lower_root, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
static void teardown(void) {
    static int done;
    if (done) return;
    done = 1;
    abort_connection();
    if (driver_pid > 0) { kill(driver_pid, SIGKILL); waitpid(driver_pid, NULL, 0); driver_pid = -1; }
    if (server_running) {
        uint64_t one = 1;
        if (write(wake_fd, &one, 8)) {}
        pthread_join(server_thread, NULL);
        server_running = 0;
    }
    if (fuse_fd >= 0) { close(fuse_fd); fuse_fd = -1; }
    for (int round = 0; round < 5 && is_mounted(); round++) { abort_connection(); umount2(mnt, MNT_DETACH); }
    if (mnt[0] && !is_mounted()) rmdir(mnt);
    remove_lower();
    if (janitor_pid > 0) { kill(janitor_pid, SIGKILL); waitpid(janitor_pid, NULL, 0); janitor_pid = -1; }
}
static void on_signal(int sig) {
    teardown();
    signal(sig, SIG_DFL);
    raise(sig);
}
/* the janitor: when the controller dies, however, it aborts and detaches what is left */
static void janitor(int rfd) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    signal(SIGTERM, SIG_IGN);
    char c;
    while (read(rfd, &c, 1) != 0 && errno == EINTR) {}
    for (int round = 0; round < 5 && is_mounted(); round++) { abort_connection(); umount2(mnt, MNT_DETACH); }
    if (mnt[0] && !is_mounted()) rmdir(mnt);
    remove_lower();
    _exit(0);
}

/* ---------------------------------------------------------------- TAP output and observations */
static int tap_n, failures, fatal_set, unreproducible_set;
static char fatal_msg[1024];
static int cur_line;
static const char *cur_text;
static void fatal_setup(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fatal_msg, sizeof fatal_msg, fmt, ap);
    va_end(ap);
    fatal_set = 1;
}
static void tap(int ok, const char *result, const char *verdict, const char *skip) {
    tap_n++;
    printf("%s %d %d: %s", ok ? "ok" : "not ok", tap_n, cur_line, cur_text);
    if (skip) printf(" # SKIP %s", skip);
    printf("\n");
    if (result && result[0] && !skip) printf("#   = %s\n", result);
    if (verdict) printf("#   %s\n", verdict);
    fflush(stdout);
    if (!ok) failures++;
}
/* requests seen (taken), in order; expect lines match against seen[expect_mark..] */
static char (*seen)[REQTEXT];
static int nseen, expect_mark, log_mark, last_quiet;
static const char *const *hint_of(int line);
/* a request's top-level arguments, split at commas outside quotes; returns their number */
static int req_args(const char *r, char out[][MAXPATH], int max) {
    const char *p = strchr(r, '(');
    int n = 0, q = 0;
    size_t u = 0;
    if (!p) return 0;
    for (p++; *p && n < max; p++) {
        if (!q && (*p == ',' || (*p == ')' && !p[1]))) { out[n++][u] = 0; u = 0; continue; }
        if (q && *p == '\\' && p[1]) { if (u + 2 < MAXPATH) { out[n][u++] = *p; out[n][u++] = p[1]; } p++; continue; }
        if (*p == '"') q = !q;
        if (u + 1 < MAXPATH) out[n][u++] = *p;
    }
    return n;
}
static int is_field(const char *a) {
    size_t k = strspn(a, "abcdefghijklmnopqrstuvwxyz_");
    return k > 0 && a[k] == '=';
}
/* Requests.covers: got is the request want (same name and positional arguments) with at least
 * want's fields ("k=v" after them), equal */
static int covers(const char *want, const char *got) {
    char wa[16][MAXPATH], ga[16][MAXPATH];
    if (!strcmp(want, got)) return 1;
    size_t wl = strcspn(want, "("), gl = strcspn(got, "(");
    if (wl != gl || strncmp(want, got, wl)) return 0;
    int nw = req_args(want, wa, 16), ng = req_args(got, ga, 16), wi = 0, gi = 0;
    for (;;) {
        while (wi < nw && is_field(wa[wi])) wi++;
        while (gi < ng && is_field(ga[gi])) gi++;
        if (wi >= nw || gi >= ng) { if (wi < nw || gi < ng) return 0; break; }
        if (strcmp(wa[wi++], ga[gi++])) return 0;
    }
    for (int i = 0; i < nw; i++) {
        int f = !is_field(wa[i]);
        for (int j = 0; j < ng && !f; j++) f = !strcmp(wa[i], ga[j]);
        if (!f) return 0;
    }
    return 1;
}
static int arrived(const char *const *want) {
    int n = nlog - log_mark, used[MAXLOG / 8];
    if (n > MAXLOG / 8) n = MAXLOG / 8;
    memset(used, 0, sizeof(int) * (size_t)n);
    for (int w = 0; want[w]; w++) {
        int found = 0;
        for (int i = 0; i < n && !found; i++)
            if (!used[i] && covers(want[w], logv[log_mark + i].text)) { used[i] = 1; found = 1; }
        if (!found) return 0;
    }
    return 1;
}
static int await_log(int count, long ms) {
    struct timespec ts;
    abs_deadline(&ts, ms);
    while (nlog < count) if (pthread_cond_timedwait(&G_cond, &G, &ts) == ETIMEDOUT) return nlog >= count;
    return 1;
}
/* KernelReplay.take: the requests since the last take, once the stream is quiet for quiet ms */
static int take(int quiet, int print) {
    if (!mounted) return 0;
    last_quiet = quiet;
    pthread_mutex_lock(&G);
    const char *const *want = quiet > 0 ? hint_of(cur_line) : NULL;
    if (want) {
        long until = now_ms() + HINT_WAIT_MS;
        while (!arrived(want) && now_ms() < until) await_log(nlog + 1, until - now_ms() > 0 ? until - now_ms() : 1);
        if (arrived(want)) quiet = HINT_QUIET_MS;
    }
    int n = nlog;
    long deadline = now_ms() + 1000;
    while (quiet > 0 && now_ms() < deadline && await_log(n + 1, quiet)) n = nlog;
    int got = 0;
    if (print) printf("#   ->");
    for (int i = log_mark; i < nlog; i++, got++) {
        if (print) printf(" %s", logv[i].text);
        if (nseen < MAXLOG) snprintf(seen[nseen++], REQTEXT, "%s", logv[i].text);
    }
    if (print) printf("\n");
    log_mark = nlog;
    pthread_mutex_unlock(&G);
    return got;
}
static void settle_into_previous(void) {
    int before = nseen;
    pthread_mutex_lock(&G);
    int any = nlog > log_mark;
    pthread_mutex_unlock(&G);
    (void)any;
    take(last_quiet >= SETTLE_MS ? 0 : SETTLE_MS, 0);
    if (nseen > before) {
        printf("#   (late, of the line before) ->");
        for (int i = before; i < nseen; i++) printf(" %s", seen[i]);
        printf("\n");
    }
}
static void observe(const char *result, int quiet, const char *verdict) {
    tap(verdict == NULL, result, verdict, NULL);
    int before = nseen;
    take(quiet, 0);
    if (nseen > before) {
        printf("#   ->");
        for (int i = before; i < nseen; i++) printf(" %s", seen[i]);
        printf("\n");
    }
}
/* the watchdog (KernelReplay.step): a statement that takes longer than 3 step timeouts (plus its
 * tick) gets the connection aborted, and the rest of the trace is not run */
static volatile long step_deadline;
static volatile int watchdog_fired;
static void *watchdog_main(void *arg) {
    (void)arg;
    for (;;) {
        sleep_ms(50);
        long d = step_deadline;
        if (d && now_ms() > d && !watchdog_fired) { watchdog_fired = 1; abort_connection(); }
    }
    return NULL;
}
static void end_step(void) {
    step_deadline = 0;
    if (watchdog_fired && !fatal_set) {
        snprintf(fatal_msg, sizeof fatal_msg, "line %d failed: watchdog: the step took longer than %d ms; connection aborted", cur_line, 3 * STEP_TIMEOUT_MS);
        fatal_set = 1;
    }
}
/* called before each statement: 0 if it is not run (after a fatal step) */
static int step(int line, const char *text) {
    cur_line = line;
    cur_text = text;
    step_deadline = now_ms() + 3 * STEP_TIMEOUT_MS + 10000;
    if (fatal_set) {
        char why[1100];
        snprintf(why, sizeof why, "%s%s", unreproducible_set ? "" : "not run: ", fatal_msg);
        tap(1, NULL, NULL, why);
        return 0;
    }
    return 1;
}
static void skip(int line, const char *text, const char *why) {
    cur_line = line;
    cur_text = text;
    tap(1, NULL, NULL, why);
}
static void fail_step(const char *fmt, ...) {
    char m[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    char v[1000];
    snprintf(v, sizeof v, "step failed: %s", m);
    observe("failed", SETTLE_MS, v);
    snprintf(fatal_msg, sizeof fatal_msg, "line %d failed: %s", cur_line, m);
    fatal_set = 1;
}

/* ---------------------------------------------------------------- statements: world */
static void mount_now(const struct mountcfg *c) {
    cfg = *c;
    for (int i = 0; i < 8 && c->enosys[i]; i++) enosys_ops[c->enosys[i]] = 1;
    fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fuse_fd < 0) { fail_step("cannot open /dev/fuse: %s", errname(errno)); return; }
    char opts[256];
    snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0%s%s", fuse_fd,
             c->allow_other ? ",allow_other" : "", c->default_permissions ? ",default_permissions" : "");
    if (mount("fusesim", mnt, "fuse.fusesim", MS_NOSUID | MS_NODEV, opts) != 0) {
        fail_step("mount(%s, %s) failed: %s", mnt, opts, errname(errno));
        return;
    }
    wake_fd = eventfd(0, EFD_CLOEXEC);
    pthread_create(&server_thread, NULL, server_main, NULL);
    server_running = 1;
    mounted = 1;
    pthread_mutex_lock(&G);
    struct timespec ts;
    abs_deadline(&ts, STEP_TIMEOUT_MS);
    while (!init_done && pthread_cond_timedwait(&G_cond, &G, &ts) != ETIMEDOUT) {}
    int ok = init_done;
    pthread_mutex_unlock(&G);
    if (!ok) fail_step("no FUSE_INIT within %d ms", STEP_TIMEOUT_MS);
}
static void st_mount(const struct mountcfg *c) {
    mount_now(c);
    if (!fatal_set) observe("", SETTLE_MS, NULL);
}
static void ensure_mounted(void) {
    if (mounted) return;
    struct mountcfg d = {(1ULL << 5) | (1ULL << 22) | INIT_EXT | (1ULL << 18), 45, 1, 131072, 0, 1, 0, {0}};
    printf("# no mount line before the first step: mounted with the defaults\n");
    mount_now(&d);
}
static void mk_lower(const char *path, int type, long size, int mode, int uid, int gid, long ino) {
    char real[MAXPATH];
    real_of(real, path);
    struct stat st;
    int exists = lstat(real, &st) == 0;
    if (type == S_IFDIR && exists) {
        chmod(real, (mode_t)mode & 07777);
        if (lchown(real, (uid_t)uid, (gid_t)gid)) {}
        if (ino >= 0) assign_ino(path, (uint64_t)ino);
        return;
    }
    int rc = 0;
    if (type == S_IFREG) {
        int fd = open(real, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) { fail_step("cannot create lower file %s: %s", path, errname(errno)); return; }
        unsigned char *b = malloc((size_t)size + 1);
        pattern(b, 0, size);
        if (write(fd, b, (size_t)size) != size) rc = -1;
        free(b);
        close(fd);
    } else if (type == S_IFDIR) {
        rc = mkdir(real, 0700);
    } else {
        rc = mknod(real, (mode_t)(type | (mode & 07777)), type == S_IFCHR ? makedev(1, 3) : 0);
    }
    if (rc != 0) { fail_step("lower %s failed: %s", path, errname(errno)); return; }
    /* chown first: a chown clears S_ISUID/S_ISGID */
    if (lchown(real, (uid_t)uid, (gid_t)gid) || chmod(real, (mode_t)mode & 07777)) { fail_step("lower chown/chmod %s failed", path); return; }
    pthread_mutex_lock(&G);
    if (ino >= 0) assign_ino(path, (uint64_t)ino);
    else if (lstat(real, &st) == 0) nodeid_of(&st, path);
    pthread_mutex_unlock(&G);
}
/* overrides: nlink, atime, mtime, ctime, generation (-1 = none given; has[] says which) */
static void overrides(const char *path, const int *has, const long *v) {
    pthread_mutex_lock(&G);
    for (int k = 0; k < OV_N; k++) if (has[k]) set_override(path, k, v[k]);
    pthread_mutex_unlock(&G);
}
static char stacked[16][MAXPATH];
static int nstacked;
/* resize a lower file: grow with the pattern bytes (byte i = 'a' + i % 26) or shrink (KernelReplay.resize) */
static int resize_lower(const char *r, long size) {
    struct stat st;
    if (stat(r, &st) != 0) return -1;
    if (size <= st.st_size) return truncate(r, size);
    int fd = open(r, O_WRONLY | O_CLOEXEC);
    long old = st.st_size;
    unsigned char *b = malloc((size_t)(size - old));
    pattern(b, old, size - old);
    int rc = fd >= 0 && pwrite(fd, b, (size_t)(size - old), old) == size - old ? 0 : -1;
    free(b);
    if (fd >= 0) close(fd);
    return rc;
}
/* data="...": the lower file holds exactly these bytes (KernelReplay.setData), then a size= written
 * after data= resizes it (dataInOrder); dlen < 0: no data= */
static int set_data(const char *path, const char *data, long dlen, long size_after) {
    if (dlen < 0) return 0;
    char r[MAXPATH];
    real_of(r, path);
    int fd = open(r, O_WRONLY | O_TRUNC | O_CLOEXEC);
    int rc = fd >= 0 && write(fd, data, (size_t)dlen) == dlen ? 0 : -1;
    if (fd >= 0) close(fd);
    if (rc == 0 && size_after >= 0) rc = resize_lower(r, size_after);
    if (rc != 0) fail_step("lower data of %s: %s", path, errname(errno));
    return rc;
}
static void st_lower(const char *path, int type, long size, int mode, int uid, int gid, long ino, const int *has, const long *ov, int stack_depth,
                     const char *data, long dlen, long size_after) {
    mk_lower(path, type, size, mode, uid, gid, ino);
    if (fatal_set || set_data(path, data, dlen, size_after)) return;
    overrides(path, has, ov);
    if (stack_depth > 0 && nstacked < 16) snprintf(stacked[nstacked++], MAXPATH, "%s", path);
    observe("", 0, NULL);
}
static void st_lower_link(const char *newp, const char *existing) {
    char a[MAXPATH], b[MAXPATH];
    real_of(a, existing);
    real_of(b, newp);
    if (link(a, b) != 0) { fail_step("lower link %s failed: %s", newp, errname(errno)); return; }
    pthread_mutex_lock(&G);
    adjust_override(existing, OV_NLINK, 1);
    pthread_mutex_unlock(&G);
    observe("", 0, NULL);
}
static void st_lower_unlink(const char *path) {
    char r[MAXPATH];
    real_of(r, path);
    struct stat st;
    pthread_mutex_lock(&G);
    if (lstat(r, &st) == 0) adjust_override(path, OV_NLINK, -1);
    pthread_mutex_unlock(&G);
    if (unlink(r) != 0 && rmdir(r) != 0) { fail_step("lower unlink %s failed", path); return; }
    observe("", 0, NULL);
}
/* size: a size= before data= (or without it); size_after: one after data= (KernelReplay.lowerSet, in order) */
static void st_lower_set(const char *path, long size, long mode, long uid, long gid, long ino, const int *has, const long *ov,
                         const char *data, long dlen, long size_after) {
    char r[MAXPATH];
    real_of(r, path);
    if (size >= 0 && resize_lower(r, size) != 0) { fail_step("lower set size of %s", path); return; }
    if (set_data(path, data, dlen, size_after)) return;
    if (mode >= 0) chmod(r, (mode_t)mode & 07777);
    if (uid >= 0 && lchown(r, (uid_t)uid, (gid_t)-1)) {}
    if (gid >= 0 && lchown(r, (uid_t)-1, (gid_t)gid)) {}
    if (ino >= 0) { pthread_mutex_lock(&G); assign_ino(path, (uint64_t)ino); pthread_mutex_unlock(&G); }
    overrides(path, has, ov);
    observe("", 0, NULL);
}
/* lower write P offset=N "DATA": an outside writer's pwrite(2) on the lower file, beside the mount
 * (KernelReplay.lowerWrite; the model's World: Lower.Node.write) */
static void st_lower_write(const char *path, long offset, const char *data, long dlen) {
    char r[MAXPATH];
    real_of(r, path);
    int fd = open(r, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || pwrite(fd, data, (size_t)dlen, offset) != dlen) {
        if (fd >= 0) close(fd);
        fail_step("lower write %s: %s", path, errname(errno));
        return;
    }
    close(fd);
    observe("", 0, NULL);
}
static void st_nothing(void) { observe("", 0, NULL); }

/* ---------------------------------------------------------------- statements: server */
static void set_rule(int op, const char *path, const struct rspec *spec) {
    pthread_mutex_lock(&G);
    struct rule *free_r = NULL, *r = NULL;
    for (int i = 0; i < MAXRULES; i++) {
        if (rules[i].used && rules[i].op == op && rules[i].any == (path == NULL) && (!path || !strcmp(rules[i].path, path))) r = &rules[i];
        if (!rules[i].used && !free_r) free_r = &rules[i];
    }
    if (spec->kind == RS_DEFAULT) { if (r) r->used = 0; }
    else {
        if (!r) r = free_r;
        if (r) { r->used = 1; r->op = op; r->any = path == NULL; snprintf(r->path, MAXPATH, "%s", path ? path : ""); r->spec = spec; }
    }
    pthread_mutex_unlock(&G);
}
static void st_policy(int op, const char *path, const struct rspec *spec) {
    set_rule(op, path, spec);
    observe("", 0, NULL);
}
/* server like PRESET: its policies for every path (KernelReplay: policy.rule(op, null, reply)) */
static void st_server_like(const int *ops, const struct rspec *const *specs, int n) {
    for (int i = 0; i < n; i++) set_rule(ops[i], NULL, specs[i]);
    observe("", 0, NULL);
}
static void st_hold(int op, const char *path) {
    pthread_mutex_lock(&G);
    if (nholds < MAXRULES) {
        holds[nholds].used = 1; holds[nholds].op = op; holds[nholds].any = path == NULL;
        snprintf(holds[nholds].path, MAXPATH, "%s", path ? path : "");
        nholds++;
    }
    pthread_mutex_unlock(&G);
    observe("", 0, NULL);
}
static void st_unhold(int op, const char *path) {
    pthread_mutex_lock(&G);
    for (int i = 0; i < nholds; i++)
        if (holds[i].used && holds[i].op == op && holds[i].any == (path == NULL) && (!path || !strcmp(holds[i].path, path))) { holds[i].used = 0; break; }
    pthread_mutex_unlock(&G);
    observe("", 0, NULL);
}
static int tid_of(int t) { return S->slots[t].tid; }
static void st_server_reply(int t, const char *tname, int op, const char *opword, const struct rspec *spec) {
    int tid = tid_of(t);
    struct req *q = NULL;
    pthread_mutex_lock(&G);
    struct timespec ts;
    abs_deadline(&ts, 1000);
    for (;;) {
        for (int i = 0; i < MAXHELD && !q; i++)
            if (heldv[i].used && (int)heldv[i].q->h.opcode == op && (int)heldv[i].q->h.pid == tid) { q = heldv[i].q; heldv[i].used = 0; }
        if (q || pthread_cond_timedwait(&G_cond, &G, &ts) == ETIMEDOUT) break;
    }
    char heldlist[1024] = "";
    if (!q) {
        size_t u = 0;
        for (int i = 0; i < MAXHELD; i++) if (heldv[i].used) {
            char t2[REQTEXT];
            req_string(heldv[i].q, t2, sizeof t2);
            u += (size_t)snprintf(heldlist + u, sizeof heldlist - u, "%s%s", u ? ", " : "", t2);
            if (u >= sizeof heldlist) break;
        }
    }
    pthread_mutex_unlock(&G);
    if (!q) {
        char v[1200];
        snprintf(v, sizeof v, "expected a held %s request from %s, found %s%s", opword, tname, heldlist[0] ? "held: " : "none held", heldlist);
        observe("", SETTLE_MS, v);
        return;
    }
    int err = respond(q, spec);
    free(q->msg);
    free(q);
    char res[64] = "";
    if (err) snprintf(res, sizeof res, "-1 %s", errname(err));
    observe(res, SETTLE_MS, NULL);
}
/* outcomes: what the trace says a call or ioctl returns */
enum { OUT_ANY, OUT_RET, OUT_FAIL, OUT_MAP };
/* data: the bytes a read's result states (`= 5 "hello"`), dlen of them; NULL when it states none */
struct outcome { int kind; long val; int err; const char *text; const char *data; long dlen; };
static const char *outcome_verdict(const struct outcome *o, int ok, long val, int err, const char *found, char *buf, size_t n) {
    int met = o->kind == OUT_ANY ? 1 : o->kind == OUT_RET ? (ok && val == o->val) : o->kind == OUT_FAIL ? (!ok && err == o->err) : ok;
    if (met) return NULL;
    snprintf(buf, n, "expected %s, found %s", o->text, found);
    return buf;
}
/* bytes as the trace quotes them (Bytes.toString): ASCII as is, the rest \xHH, the first 32 */
static void quote_bytes(const unsigned char *b, long n, char *out, size_t cap) {
    size_t u = (size_t)snprintf(out, cap, "\"");
    for (long i = 0; i < n && i < 32 && u + 8 < cap; i++)
        u += (size_t)(b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\' ? snprintf(out + u, cap - u, "%c", b[i])
                                                                                : snprintf(out + u, cap - u, "\\x%02x", b[i]));
    snprintf(out + u, cap - u, n > 32 ? "\"... (%ld bytes)" : "\"", n);
}
/* KernelReplay.dataVerdict: a read whose result states its bytes must have returned exactly these */
static const char *data_verdict(const struct outcome *o, const struct result *r, char *buf, size_t n) {
    if (!o->data || (r->dlen == o->dlen && !memcmp(r->data, o->data, (size_t)o->dlen))) return NULL;
    char want[200], got[200];
    quote_bytes((const unsigned char *)o->data, o->dlen, want, sizeof want);
    quote_bytes(r->data, r->dlen, got, sizeof got);
    snprintf(buf, n, "expected the bytes %s, found %s", want, got);
    return buf;
}
static int is_stacked(const char *p) {
    for (int i = 0; i < nstacked; i++) if (!strcmp(stacked[i], p)) return 1;
    return 0;
}
static void st_backing_open(int target, const char *path, int rawfd, uint32_t flags, uint64_t padding, const struct outcome *o);
static void st_backing_close(int id, const struct outcome *o) {
    ensure_mounted();
    if (fatal_set) return;
    if (fuse_fd < 0) { fail_step("server has no /dev/fuse device"); return; }
    int rc = ioctl(fuse_fd, FUSE_DEV_IOC_BACKING_CLOSE, &(uint32_t){(uint32_t)id});
    if (rc < 0) rc = -errno;
    char res[64], vb[256];
    if (rc < 0) snprintf(res, sizeof res, "-1 %s", errname(-rc)); else snprintf(res, sizeof res, "%d", rc);
    observe(res, 0, outcome_verdict(o, rc >= 0, rc, -rc, res, vb, sizeof vb));
}
static void st_crash(void) {
    ensure_mounted();
    if (fatal_set) return;
    if (server_running) {
        uint64_t one = 1;
        if (write(wake_fd, &one, 8)) {}
        pthread_join(server_thread, NULL);
        server_running = 0;
    }
    server_crashed = 1;
    if (fuse_fd >= 0) { close(fuse_fd); fuse_fd = -1; }
    observe("", SETTLE_MS, NULL);
}
enum { NT_INVAL_ENTRY, NT_INVAL_INODE, NT_PRUNE };
static void notify(int kind, const char *path, char *res) {
    unsigned char b[16 + MAXPATH + 16];
    struct fout_header h = {0, 0, 0};
    size_t n = 0;
    pthread_mutex_lock(&G);
    if (kind == NT_INVAL_ENTRY) {
        const char *slash = strrchr(path, '/');
        char parent[MAXPATH];
        if (slash == path) strcpy(parent, "/"); else snprintf(parent, MAXPATH, "%.*s", (int)(slash - path), path);
        int64_t pid = dentry_nodeid(parent);
        uint64_t id = pid < 0 ? NO_INODE : (uint64_t)pid;
        uint32_t nl = (uint32_t)strlen(slash + 1), z = 0;
        memcpy(b, &id, 8); memcpy(b + 8, &nl, 4); memcpy(b + 12, &z, 4); memcpy(b + 16, slash + 1, nl + 1);
        n = 16 + nl + 1;
        h.error = 3;
    } else if (kind == NT_INVAL_INODE) {
        int64_t d = dentry_nodeid(path);
        uint64_t id = d < 0 ? NO_INODE : (uint64_t)d;
        memset(b, 0, 24); memcpy(b, &id, 8);
        n = 24;
        h.error = 2;
    } else {
        int64_t d = dentry_nodeid(path);
        uint64_t id = d < 0 ? NO_INODE : (uint64_t)d;
        uint32_t one = 1;
        memset(b, 0, 24); memcpy(b, &one, 4); memcpy(b + 16, &id, 8);
        n = 24;
        h.error = 9;
    }
    pthread_mutex_unlock(&G);
    unsigned char msg[sizeof h + sizeof b];
    h.len = (uint32_t)(sizeof h + n);
    memcpy(msg, &h, sizeof h);
    memcpy(msg + sizeof h, b, n);
    int err = dev_write(msg, sizeof h + n);
    if (err == 0 && kind == NT_INVAL_ENTRY) { pthread_mutex_lock(&G); lookup_failed(path); pthread_mutex_unlock(&G); }
    if (err) sprintf(res, "-1 %s", errname(err)); else res[0] = 0;
}
static void st_notify(int kind, const char *path) {
    ensure_mounted();
    if (fatal_set) return;
    char res[64];
    notify(kind, path, res);
    observe(res, SETTLE_MS, NULL);
}
static void st_drop_caches(void) {
    ensure_mounted();
    if (fatal_set) return;
    for (int i = 0; i < 2; i++) {
        int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
        if (fd < 0 || write(fd, "2", 1) != 1) { if (fd >= 0) close(fd); fail_step("cannot write /proc/sys/vm/drop_caches"); return; }
        close(fd);
    }
    observe("", SETTLE_MS, NULL);
}
static void st_umount(void) {
    ensure_mounted();
    if (fatal_set) return;
    char res[64] = "";
    if (umount2(mnt, 0) != 0) snprintf(res, sizeof res, "-1 %s", errname(errno));
    observe(res, SETTLE_MS, NULL);
}
static void st_tick(long ns) {
    if (ns > 10L * 1000000000L) { fail_step("tick is longer than the replay waits in real time (10 s)"); return; }
    struct timespec t = {ns / 1000000000L, ns % 1000000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {}
    observe("", 1, NULL);
}

/* ---------------------------------------------------------------- statements: thread steps */
#define RESERVED_FD (-2)
struct targs { const char *s0, *s1; long a[5]; };
static int fdmap[MAXFDS]; /* trace fd -> real fd in the driver; -1 free */
static long maps[MAXMAPS]; /* m1.. -> address */
static int nmaps;
static int tracemap[10000]; /* trace mapping mK -> the session's mapping number (0: none) */
static int reserved_fd[MAXT], running[MAXT], running_sc[MAXT];
/* a negative trace fd is passed as it is (fdget fails: EBADF), as KernelSession's CallTranslator does */
static int real_fd(long t) { return t < 0 ? (int)t : t < MAXFDS && fdmap[t] >= 0 ? fdmap[t] : (int)(100000 + t); }
static long map_addr(int m) { return m >= 1 && m <= nmaps ? maps[m - 1] : 0; }
static int uses_map(int sc) { return sc == SC_MUNMAP || sc == SC_MREAD || sc == SC_MWRITE; }
/* 0, or the C step fails as KernelSession.map does for a mapping it never made */
static int check_map(int sc, const struct targs *x) {
    if (!uses_map(sc)) return 0;
    long k = x->a[0];
    if (k < 1 || k >= 10000 || tracemap[k] == 0) { fail_step("unknown mapping m%ld", k); return -1; }
    return 0;
}
static void mpath(char *out, const char *p) {
    if (!strcmp(p, "/")) snprintf(out, MAXPATH, "%s", mnt); else snprintf(out, MAXPATH, "%s%s", mnt, p);
}
/* the driver call of a trace syscall: path args under the mount, trace fds, mappings */
static void start_call(int t, int sc, const struct targs *x) {
    struct call c;
    memset(&c, 0, sizeof c);
    c.sc = sc;
    switch (sc) {
    case SC_OPEN: mpath(c.p0, x->s0); c.a[0] = x->a[0]; c.a[1] = x->a[1]; break;
    case SC_CLOSE: case SC_DUP: case SC_FSTAT: case SC_FSYNC: case SC_FDATASYNC: case SC_GETDENTS: c.a[0] = real_fd(x->a[0]); break;
    case SC_READ: case SC_WRITE: case SC_FTRUNCATE: case SC_FCHMOD: c.a[0] = real_fd(x->a[0]); c.a[1] = x->a[1]; break;
    case SC_PREAD: case SC_PWRITE: case SC_LSEEK: case SC_FCHOWN: case SC_MMAP:
        c.a[0] = real_fd(x->a[0]); c.a[1] = x->a[1]; c.a[2] = x->a[2]; break;
    case SC_FALLOCATE: c.a[0] = real_fd(x->a[0]); c.a[1] = x->a[1]; c.a[2] = x->a[2]; c.a[3] = x->a[3]; break;
    case SC_PREADV: case SC_PWRITEV: c.a[0] = real_fd(x->a[0]); c.a[1] = x->a[1]; snprintf(c.p0, MAXPATH, "%s", x->s0); break;
    case SC_MUNMAP: c.a[0] = map_addr(tracemap[x->a[0]]); break;
    case SC_MREAD: case SC_MWRITE: c.a[0] = map_addr(tracemap[x->a[0]]); c.a[1] = x->a[1]; c.a[2] = x->a[2]; break;
    case SC_STAT: case SC_LSTAT: case SC_UNLINK: case SC_RMDIR: case SC_READLINK: mpath(c.p0, x->s0); break;
    case SC_TRUNCATE: case SC_CHMOD: case SC_MKDIR: case SC_ACCESS: case SC_MKNOD: mpath(c.p0, x->s0); c.a[0] = x->a[0]; break;
    case SC_CHOWN: mpath(c.p0, x->s0); c.a[0] = x->a[0]; c.a[1] = x->a[1]; break;
    case SC_LINK: case SC_RENAME: mpath(c.p0, x->s0); mpath(c.p1, x->s1); break;
    case SC_RENAMEAT2: mpath(c.p0, x->s0); mpath(c.p1, x->s1); c.a[0] = x->a[0]; break;
    /* path variants: path, name, then size (and flags); fd variants: name, then fd, size (and flags).
       struct call keeps a[0] the fd (-1 for a path), a[1] the size, a[2] the flags, p1 the name. */
    case SC_GETXATTR: case SC_SETXATTR: case SC_REMOVEXATTR: case SC_LISTXATTR:
        mpath(c.p0, x->s0);
        if (sc != SC_LISTXATTR) snprintf(c.p1, MAXPATH, "%s", x->s1);
        c.a[0] = -1; c.a[1] = x->a[0]; c.a[2] = x->a[1]; break;
    case SC_FGETXATTR: case SC_FSETXATTR: case SC_FREMOVEXATTR: case SC_FLISTXATTR:
        if (sc != SC_FLISTXATTR) snprintf(c.p1, MAXPATH, "%s", x->s0);
        c.a[0] = real_fd(x->a[0]); c.a[1] = x->a[1]; c.a[2] = x->a[2]; break;
    case SC_SYMLINK: snprintf(c.p0, MAXPATH, "%s", x->s0); mpath(c.p1, x->s1); break;
    case SC_UTIMENSAT: mpath(c.p0, x->s0); snprintf(c.p1, MAXPATH, "%s", x->s1); c.a[0] = x->a[0]; break;
    case SC_FUTIMENS: c.a[0] = real_fd(x->a[0]); snprintf(c.p0, MAXPATH, "%s", x->s0); break;
    }
    if (sc == SC_CLOSE) {
        if (x->a[0] >= 0 && x->a[0] < MAXFDS) fdmap[x->a[0]] = -1; /* file_close_fd frees the number first */
    } else if (sc == SC_OPEN || sc == SC_DUP) {
        int f = 3;
        while (f < MAXFDS - 1 && fdmap[f] != -1) f++;
        fdmap[f] = RESERVED_FD;
        reserved_fd[t] = f;
    }
    running[t] = 1;
    running_sc[t] = sc;
    pthread_mutex_lock(&S->m);
    S->slots[t].c = c;
    S->slots[t].state = 1;
    pthread_cond_broadcast(&S->posted);
    pthread_mutex_unlock(&S->m);
}
static int call_done(int t) {
    pthread_mutex_lock(&S->m);
    int d = S->slots[t].state == 3;
    pthread_mutex_unlock(&S->m);
    return d;
}
/* waits for the call on t; 0 and the result, or -1 on timeout (the connection is then aborted) */
static int await_result(int t, struct result *out) {
    pthread_mutex_lock(&S->m);
    struct timespec ts;
    abs_deadline(&ts, STEP_TIMEOUT_MS);
    while (S->slots[t].state != 3) if (pthread_cond_timedwait(&S->done, &S->m, &ts) == ETIMEDOUT) break;
    int ok = S->slots[t].state == 3;
    if (ok) { *out = S->slots[t].r; S->slots[t].state = 0; }
    pthread_mutex_unlock(&S->m);
    running[t] = 0;
    int rf = reserved_fd[t];
    reserved_fd[t] = -1;
    if (!ok) { abort_connection(); return -1; }
    if (out->ret < 0) { if (rf >= 0) fdmap[rf] = -1; return 0; }
    if (running_sc[t] == SC_OPEN || running_sc[t] == SC_DUP) { if (rf >= 0) { fdmap[rf] = (int)out->ret; out->ret = rf; } }
    else if (running_sc[t] == SC_MMAP) { if (nmaps < MAXMAPS) maps[nmaps++] = out->ret; out->ret = nmaps; }
    return 0;
}
static int asleep(int t) {
    char p[128];
    snprintf(p, sizeof p, "/proc/%d/task/%d/stat", (int)driver_pid, tid_of(t));
    for (int look = 0; look < 2; look++) {
        if (look) sleep_ms(5);
        char buf[1024];
        int fd = open(p, O_RDONLY);
        if (fd < 0) return 0;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) return 0;
        buf[n] = 0;
        char *rp = strrchr(buf, ')');
        if (!rp || (rp[2] != 'S' && rp[2] != 'D')) return 0;
    }
    return !call_done(t);
}
static int held_by(int tid) {
    for (int i = 0; i < MAXHELD; i++) if (heldv[i].used && (int)heldv[i].q->h.pid == tid) return 1;
    return 0;
}
/* stat checks: which fields are compared and printed */
struct check { int key; long val; const char *text; const char *names; };
static const char *STATKEYS[] = {"ino", "size", "mode", "nlink", "uid", "gid", "blocks", "mtime", "ctime"};
static void format_result(int sc, const struct result *r, const struct check *ck, int nck, const char *mapname, char *out, size_t n) {
    if (r->ret < 0) { snprintf(out, n, "-1 %s", errname(r->err)); return; }
    if (sc == SC_MMAP) { snprintf(out, n, "%s", mapname ? mapname : "m?"); if (!mapname) snprintf(out, n, "m%ld", r->ret); return; }
    if (sc == SC_FSTAT || sc == SC_STAT || sc == SC_LSTAT) {
        size_t u = (size_t)snprintf(out, n, "%ld {", r->ret);
        int keys[9], nk = 0;
        if (nck == 0) { for (int k = 0; k < 6; k++) keys[nk++] = k; }
        else for (int i = 0; i < nck; i++) keys[nk++] = ck[i].key;
        for (int i = 0; i < nk && u < n; i++) {
            if (keys[i] == ST_MODE) u += (size_t)snprintf(out + u, n - u, "%smode=0%lo", i ? " " : "", r->st[ST_MODE]);
            else u += (size_t)snprintf(out + u, n - u, "%s%s=%ld", i ? " " : "", STATKEYS[keys[i]], r->st[keys[i]]);
        }
        if (u < n) snprintf(out + u, n - u, "}");
        return;
    }
    if (sc == SC_GETDENTS && (nck > 0 || r->names[0])) {
        char names[NAMESBUF];
        snprintf(names, sizeof names, "%s", r->names);
        for (char *p = names; *p; p++) if (*p == '/') *p = ',';
        snprintf(out, n, "%ld {names=%s}", r->ret, names);
        return;
    }
    snprintf(out, n, "%ld", r->ret);
}
static const char *check_verdict(const struct check *ck, int nck, const struct result *r, const char *found, char *buf, size_t n) {
    for (int i = 0; i < nck; i++) {
        if (ck[i].names) {
            char got[NAMESBUF];
            snprintf(got, sizeof got, "%s", r->names);
            for (char *p = got; *p; p++) if (*p == '/') *p = ',';
            if (strcmp(got, ck[i].names)) { snprintf(buf, n, "expected names=%s, found names=%s", ck[i].names, got); return buf; }
            continue;
        }
        if (r->st[ck[i].key] != ck[i].val) { snprintf(buf, n, "expected %s, found %s", ck[i].text, found); return buf; }
    }
    return NULL;
}
static void finish_call(int sc, const struct result *r, const struct outcome *o, const struct check *ck, int nck) {
    char res[NAMESBUF + 64], vb[NAMESBUF + 128];
    if (sc == SC_MMAP && r->ret >= 0) {
        long k = o->kind == OUT_MAP ? atol(o->text + 1) : r->ret; /* the trace's name, else the session's */
        if (k >= 1 && k < 10000) tracemap[k] = (int)r->ret;
    }
    format_result(sc, r, ck, nck, sc == SC_MMAP && r->ret >= 0 && o->kind == OUT_MAP ? o->text : NULL, res, sizeof res);
    const char *v = outcome_verdict(o, r->ret >= 0, r->ret, r->err, res, vb, sizeof vb);
    if (!v && r->ret >= 0) v = data_verdict(o, r, vb, sizeof vb);
    if (!v && r->ret >= 0) v = check_verdict(ck, nck, r, res, vb, sizeof vb);
    int async = sc == SC_CLOSE || sc == SC_MUNMAP || sc == SC_RENAME || sc == SC_RENAMEAT2 || sc == SC_UNLINK;
    observe(res, async ? SETTLE_MS : 0, v);
}
static void st_call(int t, int sc, const struct targs *x, const struct outcome *o, const struct check *ck, int nck) {
    ensure_mounted();
    if (fatal_set || check_map(sc, x)) return;
    start_call(t, sc, x);
    struct result r;
    if (await_result(t, &r) != 0) { fail_step("timeout: %s did not return within %d ms; connection aborted", THREADS[t].name, STEP_TIMEOUT_MS); return; }
    finish_call(sc, &r, o, ck, nck);
}
static struct result early[MAXT];
static int has_early[MAXT];
static void st_unfinished(int t, int sc, const struct targs *x) {
    ensure_mounted();
    if (fatal_set || check_map(sc, x)) return;
    start_call(t, sc, x);
    int tid = tid_of(t), h = 0, sl = 0;
    long start = now_ms(), deadline = start + 2000;
    while (!call_done(t) && now_ms() < deadline) {
        pthread_mutex_lock(&G);
        struct timespec ts;
        abs_deadline(&ts, 5);
        h = held_by(tid);
        if (!h) { pthread_cond_timedwait(&G_cond, &G, &ts); h = held_by(tid); }
        pthread_mutex_unlock(&G);
        if (h) break;
        if (now_ms() - start >= ASLEEP_MS && asleep(t)) { sl = 1; break; }
    }
    int still;
    if (h || sl) still = !call_done(t);
    else { sleep_ms(GRACE_MS); still = !call_done(t); }
    if (still) { observe("unfinished", SETTLE_MS, NULL); return; }
    struct result r;
    await_result(t, &r);
    early[t] = r;
    has_early[t] = 1;
    char res[NAMESBUF + 64], v[NAMESBUF + 128];
    format_result(sc, &r, NULL, 0, NULL, res, sizeof res);
    snprintf(v, sizeof v, "expected unfinished, found = %s", res);
    observe(res, SETTLE_MS, v);
}
static void st_resumed(int t, int sc, const struct outcome *o, const struct check *ck, int nck) {
    struct result r;
    if (has_early[t]) { r = early[t]; has_early[t] = 0; }
    else if (await_result(t, &r) != 0) { fail_step("timeout: %s did not return within %d ms; connection aborted", THREADS[t].name, STEP_TIMEOUT_MS); return; }
    finish_call(sc, &r, o, ck, nck);
}
/* backing_open: a lower file (opened O_RDONLY here), a raw fd number, or a file on the mount (the
 * driver's helper thread opens it; its requests are the harness's and are dropped) */
enum { BT_LOWER, BT_FD, BT_MOUNT };
static void st_backing_open(int target, const char *path, int rawfd, uint32_t flags, uint64_t padding, const struct outcome *o) {
    ensure_mounted();
    if (fatal_set) return;
    if (target == BT_LOWER && is_stacked(path)) {
        snprintf(fatal_msg, sizeof fatal_msg, "not reproducible here from line %d: %s has stack_depth > 0, which needs a stacked lower file system", cur_line, path);
        fatal_set = unreproducible_set = 1;
        tap(1, NULL, NULL, fatal_msg);
        return;
    }
    struct fbacking_map m = {0, flags, padding};
    int rc;
    pthread_mutex_lock(&G);
    int gone = server_exited;
    pthread_mutex_unlock(&G);
    if (fuse_fd < 0 || gone) rc = -EBADF; /* the daemon's /dev/fuse fd is closed */
    else if (target == BT_LOWER) {
        char r[MAXPATH];
        real_of(r, path);
        int fd = open(r, O_RDONLY | O_CLOEXEC);
        if (fd < 0) { fail_step("cannot open lower %s: %s", path, errname(errno)); return; }
        m.fd = fd;
        rc = ioctl(fuse_fd, FUSE_DEV_IOC_BACKING_OPEN, &m);
        if (rc < 0) rc = -errno;
        close(fd);
    } else if (target == BT_FD) {
        m.fd = rawfd;
        rc = ioctl(fuse_fd, FUSE_DEV_IOC_BACKING_OPEN, &m);
        if (rc < 0) rc = -errno;
    } else {
        /* opened in this process (not the driver): this process only touches the mount here */
        char p[MAXPATH];
        mpath(p, path);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0) { fail_step("cannot open mount:%s: %s", path, errname(errno)); return; }
        m.fd = fd;
        rc = ioctl(fuse_fd, FUSE_DEV_IOC_BACKING_OPEN, &m);
        if (rc < 0) rc = -errno;
        close(fd);
    }
    char res[64], vb[256];
    if (rc < 0) snprintf(res, sizeof res, "-1 %s", errname(-rc)); else snprintf(res, sizeof res, "%d", rc);
    const char *v = outcome_verdict(o, rc >= 0, rc, -rc, res, vb, sizeof vb);
    if (target == BT_MOUNT) {
        tap(v == NULL, res, v, NULL);
        int before = nseen;
        take(SETTLE_MS, 0);
        nseen = before; /* the harness's own LOOKUP/OPEN/FLUSH/RELEASE */
        return;
    }
    observe(res, 0, v);
}
static void st_expect_requests(const char *const *want, const char *wanttext) {
    settle_into_previous();
    /* Requests.matches: the non-FORGET requests in order, the FORGETs as a multiset */
    int ok = 1, wi = 0, gi = expect_mark;
    for (;;) {
        while (want[wi] && !strncmp(want[wi], "FORGET(", 7)) wi++;
        while (gi < nseen && !strncmp(seen[gi], "FORGET(", 7)) gi++;
        if (!want[wi] || gi >= nseen) { ok = !want[wi] && gi >= nseen; break; }
        if (!covers(want[wi], seen[gi])) { ok = 0; break; }
        wi++; gi++;
    }
    if (ok) {
        int nw = 0, ng = 0;
        for (int i = 0; want[i]; i++) if (!strncmp(want[i], "FORGET(", 7)) nw++;
        static char used[MAXLOG];
        memset(used, 0, sizeof used);
        for (int i = expect_mark; i < nseen; i++) if (!strncmp(seen[i], "FORGET(", 7)) ng++;
        if (nw != ng) ok = 0;
        for (int i = 0; ok && want[i]; i++) {
            if (strncmp(want[i], "FORGET(", 7)) continue;
            int f = 0;
            for (int j = expect_mark; j < nseen && !f; j++) if (!used[j] && !strcmp(seen[j], want[i])) { used[j] = 1; f = 1; }
            if (!f) ok = 0;
        }
    }
    char v[8192];
    if (!ok) {
        size_t u = (size_t)snprintf(v, sizeof v, "expected requests %s, found", wanttext);
        if (expect_mark == nseen) snprintf(v + u, sizeof v - u, " none");
        for (int i = expect_mark; i < nseen && u < sizeof v; i++) u += (size_t)snprintf(v + u, sizeof v - u, " %s", seen[i]);
    }
    expect_mark = nseen;
    tap(ok, NULL, ok ? NULL : v, NULL);
}
static void st_expect_no(const char *opname_) {
    settle_into_previous();
    char prefix[64], v[8192];
    snprintf(prefix, sizeof prefix, "%s(", opname_);
    size_t u = (size_t)snprintf(v, sizeof v, "expected no %s, found", opname_);
    int bad = 0;
    for (int i = expect_mark; i < nseen; i++)
        if (!strncmp(seen[i], prefix, strlen(prefix))) { bad = 1; if (u < sizeof v) u += (size_t)snprintf(v + u, sizeof v - u, " %s", seen[i]); }
    tap(!bad, NULL, bad ? v : NULL, NULL);
}

/* ---------------------------------------------------------------- errno names (the trace language's) */
/*@ERRNO_NAMES@*/
static const char *errname(int e) {
    static char buf[16];
    if (e > 0 && e < ERRNO_COUNT && ERRNO_NAMES[e]) return ERRNO_NAMES[e];
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
}

/* ---------------------------------------------------------------- probe and main */
static int has_sys_admin(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long caps = 0;
    while (fgets(line, sizeof line, f)) if (!strncmp(line, "CapEff:", 7)) caps = strtoull(line + 7, NULL, 16);
    fclose(f);
    return (caps >> 21) & 1;
}
static void skip_all(const char *why) {
    printf("1..0 # SKIP %s\n", why);
    fflush(stdout);
    teardown();
    exit(KSFT_SKIP);
}
static void fresh_dirs(void) {
    struct statfs sf;
    const char *base = statfs("/dev/shm", &sf) == 0 && sf.f_type == 0x01021994 ? "/dev/shm" : "/tmp";
    for (int n = 1000; n < 2000; n++) {
        snprintf(lower_root, MAXPATH, "%s/fusesim-lower-%d-%d", base, (int)getpid(), n);
        if (mkdir(lower_root, 0755) == 0) break;
    }
    for (int n = 1000; n < 2000; n++) {
        snprintf(mnt, MAXPATH, "/tmp/fusesim-mnt-%d-%d", (int)getpid(), n);
        if (mkdir(mnt, 0755) == 0) break;
    }
}
/* what kernel replay's probe checks: CAP_SYS_ADMIN, /dev/fuse, a mount that answers INIT, passthrough */
static void probe(int series) {
    const char *e = getenv("FUSESIM_KERNEL");
    if (e && !strcmp(e, "off")) skip_all("FUSESIM_KERNEL=off in the environment: the real-kernel oracle is switched off");
    if (!has_sys_admin()) skip_all("not running with CAP_SYS_ADMIN (mount and BACKING_OPEN need it)");
    int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0) { char m[128]; snprintf(m, sizeof m, "cannot open /dev/fuse: %s", errname(errno)); skip_all(m); }
    char opts[128];
    snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
    if (mount("fusesim", mnt, "fuse.fusesim", MS_NOSUID | MS_NODEV, opts) != 0) {
        char m[128]; snprintf(m, sizeof m, "FUSE mount probe failed: %s", errname(errno)); close(fd); skip_all(m);
    }
    unsigned char *buf = malloc(1 << 21);
    struct pollfd p = {fd, POLLIN, 0};
    uint64_t off = 0;
    int got = 0;
    if (poll(&p, 1, STEP_TIMEOUT_MS) == 1) {
        ssize_t n = read(fd, buf, 1 << 21);
        if (n >= (ssize_t)(sizeof(struct fin_header) + 20)) {
            struct finit_in in;
            memcpy(&in, buf + sizeof(struct fin_header), sizeof in);
            off = in.flags;
            if (in.flags & INIT_EXT) off |= (uint64_t)in.flags2 << 32;
            got = 1;
        }
    }
    free(buf);
    close(fd);
    for (int round = 0; round < 5 && is_mounted(); round++) { abort_connection(); umount2(mnt, MNT_DETACH); }
    if (!got) skip_all("FUSE mount probe failed: no FUSE_INIT");
    if (!(off & INIT_PASSTHROUGH)) skip_all("the kernel does not offer FUSE_PASSTHROUGH in FUSE_INIT (CONFIG_FUSE_PASSTHROUGH off?)");
    if (series && !(off & INIT_PASSTHROUGH_INO))
        skip_all("the trace is about the passthrough series; this kernel does not offer FUSE_PASSTHROUGH_INO, it runs mainline");
}
static void trace_body(void);
static int trace_statements(void);
static int trace_is_series(void);
static const char *trace_name(void);
static const struct threadinfo *trace_threads(int *n);
static void *watchdog_main(void *arg);
int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    THREADS = trace_threads(&nthreads);
    cond_init(&G_cond, 0);
    for (int i = 0; i < MAXFDS; i++) fdmap[i] = -1;
    nodes[0].used = 1; nodes[0].nodeid = ROOT_ID; strcpy(nodes[0].path, "/"); /* the root, nodeid 1 */
    for (int i = 0; i < MAXT; i++) reserved_fd[i] = -1;
    seen = calloc(MAXLOG, sizeof *seen);
    printf("TAP version 13\n# fusesim repro: trace %s\n", trace_name());
    fresh_dirs();
    int pfd[2];
    if (pipe(pfd) != 0) skip_all("pipe failed");
    janitor_pid = fork();
    if (janitor_pid == 0) { close(pfd[1]); janitor(pfd[0]); }
    close(pfd[0]);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    atexit(teardown);
    probe(trace_is_series());
    S = mmap(NULL, sizeof *S, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    mutex_init(&S->m, 1);
    cond_init(&S->posted, 1);
    cond_init(&S->done, 1);
    fflush(stdout);
    driver_pid = fork();
    if (driver_pid == 0) { close(pfd[1]); driver_main(); _exit(0); }
    pthread_mutex_lock(&S->m);
    struct timespec ts;
    abs_deadline(&ts, STEP_TIMEOUT_MS);
    while (S->ready < nthreads) if (pthread_cond_timedwait(&S->done, &S->m, &ts) == ETIMEDOUT) break;
    int ready = S->ready;
    pthread_mutex_unlock(&S->m);
    if (ready < nthreads) skip_all("the driver's threads did not start");
    printf("1..%d\n", trace_statements());
    pthread_t wd;
    pthread_create(&wd, NULL, watchdog_main, NULL);
    pthread_detach(wd);
    trace_body();
    teardown();
    printf("# %s: %d of %d statements checked, %d not met\n", trace_name(), tap_n, trace_statements(), failures);
    return failures ? KSFT_FAIL : KSFT_PASS;
}
/* ---------------------------------------------------------------- end of the runtime */
