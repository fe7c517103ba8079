/**
 * The FUSE wire protocol of Linux 6.18 (protocol 7.45) plus the FUSE_PASSTHROUGH_INO additions of the
 * "extend passthrough to inode operations" series: one record per kernel struct, each with its size
 * and little-endian encode/decode mirroring include/uapi/linux/fuse.h.
 */
package fusesim.kernel.proto;
