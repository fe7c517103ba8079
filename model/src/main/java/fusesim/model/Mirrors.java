package fusesim.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The kernel function a model method mirrors. {@code fusesim spec} reads these to write the review
 * document, so the function table is generated from the model itself and cannot drift from it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface Mirrors {
  /** The kernel function, e.g. {@code fuse_inode_uncached_io_start}. */
  String fn();

  /** The kernel file, e.g. {@code fs/fuse/iomode.c}. */
  String file();

  /** The series patches that add or change this behaviour, e.g. {@code {1, 5, 7}}; empty for mainline. */
  int[] patches() default {};

  /** One line of semantics. */
  String doc();
}
