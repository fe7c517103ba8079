package fusesim.cli.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A docutils-free structural parse of the RST that {@link RstDoc} writes: section adornments (the
 * underline as long as the title, levels entered one at a time), directives (only list-table,
 * code-block, kernel-figure, with their options and indented bodies), list-table rows (each with the
 * header's number of cells), balanced inline literals, and no Markdown left over. Returns the
 * problems as {@code line N: what}.
 */
final class RstCheck {
  private RstCheck() {}

  static List<String> check(String rst, Set<String> files) {
    List<String> bad = new ArrayList<>();
    String[] l = rst.split("\n", -1);
    List<String> styles = new ArrayList<>();
    int depth = 0;
    for (int i = 0; i < l.length; i++) {
      String s = l[i];
      int n = i + 1;
      if (s.startsWith("```") || s.startsWith("|") || s.startsWith("#")) {
        bad.add("line " + n + ": Markdown left over: " + s);
      }
      if (isAdornment(s) && i + 2 < l.length && l[i + 2].equals(s) && !l[i + 1].isBlank()) { // overline title
        depth = level(styles, "over" + s.charAt(0), depth, n, bad);
        if (s.length() < l[i + 1].length()) {
          bad.add("line " + n + ": overline shorter than the title");
        }
        i += 2;
        continue;
      }
      if (i + 1 < l.length && isAdornment(l[i + 1]) && !s.isBlank() && !s.startsWith(" ") && !isAdornment(s)) {
        if (l[i + 1].length() < s.length()) {
          bad.add("line " + (n + 1) + ": underline shorter than the title \"" + s + "\"");
        }
        depth = level(styles, "under" + l[i + 1].charAt(0), depth, n, bad);
        i++;
        continue;
      }
      if (s.startsWith(".. ")) {
        String d = s.substring(3);
        if (d.startsWith("SPDX-License-Identifier:")) {
          continue;
        }
        if (d.startsWith("kernel-figure:: ")) {
          String f = d.substring("kernel-figure:: ".length()).trim();
          if (!files.contains(f)) {
            bad.add("line " + n + ": figure " + f + " is not written");
          }
        } else if (d.startsWith("list-table::")) {
          i = table(l, i, bad);
          continue;
        } else if (!d.startsWith("code-block:: ")) {
          bad.add("line " + n + ": unknown directive " + d);
        }
        continue;
      }
      if (!s.startsWith("   ")) {
        int ticks = s.split("``", -1).length - 1;
        if (ticks % 2 != 0) {
          bad.add("line " + n + ": unbalanced inline literal: " + s);
        }
      }
    }
    return bad;
  }

  private static boolean isAdornment(String s) {
    return s.length() >= 1 && s.chars().allMatch(c -> c == s.charAt(0)) && "=-~".indexOf(s.charAt(0)) >= 0;
  }

  private static int level(List<String> styles, String style, int depth, int n, List<String> bad) {
    int k = styles.indexOf(style);
    if (k < 0) {
      if (styles.size() > depth) {
        bad.add("line " + n + ": a new section style below level " + depth);
      }
      styles.add(style);
      return styles.size();
    }
    if (k + 1 > depth + 1) {
      bad.add("line " + n + ": section level skipped");
    }
    return k + 1;
  }

  /** A list-table: options, a blank line, rows; returns the index of its last line. */
  private static int table(String[] l, int i, List<String> bad) {
    int j = i + 1;
    while (j < l.length && l[j].startsWith("   :")) {
      j++;
    }
    if (j >= l.length || !l[j].isBlank()) {
      bad.add("line " + (j + 1) + ": a list-table needs a blank line before its rows");
      return j;
    }
    j++;
    int cols = -1;
    int cells = 0;
    while (j < l.length && (l[j].startsWith("   * - ") || l[j].startsWith("     - "))) {
      if (l[j].startsWith("   * - ")) {
        if (cols >= 0 && cells != cols) {
          bad.add("line " + (j + 1) + ": row with " + cells + " cells, header has " + cols);
        }
        if (cols < 0 && cells > 0) {
          cols = cells;
        }
        cells = 0;
      }
      int ticks = l[j].split("``", -1).length - 1;
      if (ticks % 2 != 0) {
        bad.add("line " + (j + 1) + ": unbalanced inline literal in a cell");
      }
      cells++;
      j++;
    }
    if (cols < 0) {
      cols = cells;
    } else if (cells != cols) {
      bad.add("line " + j + ": last row with " + cells + " cells, header has " + cols);
    }
    return j - 1;
  }
}
