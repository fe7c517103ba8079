package fusesim.cli.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fusesim spec --format rst}: the review document as reStructuredText in the style of
 * Documentation/filesystems/fuse/ (title with {@code =} above and below, sections {@code =}, {@code -},
 * {@code ~}; tables as {@code .. list-table::}; code as {@code .. code-block:: none}; each Mermaid
 * diagram replaced by its DOT file as a {@code .. kernel-figure::}). It converts the Markdown pages
 * {@link SpecDoc} writes (the subset it writes: headings, paragraphs, tables, lists, fenced code,
 * links, inline code), so the two formats cannot say different things. {@code README.md} becomes
 * {@code index.rst}; the DOT files are kept.
 */
public final class RstDoc {
  private RstDoc() {}

  private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)]*)\\)");
  private static final Pattern DOT_LINK = Pattern.compile("\\[([A-Za-z0-9_.-]+\\.dot)\\]\\(");

  /** Every page in RST (and the DOT files unchanged), by file name. */
  public static Map<String, String> pages(Map<String, String> markdown) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : markdown.entrySet()) {
      String name = e.getKey();
      if (name.endsWith(".md")) {
        out.put(name.equals(SpecDoc.README) ? "index.rst" : name.replace(".md", ".rst"), convert(e.getValue()));
      } else {
        out.put(name, e.getValue());
      }
    }
    return out;
  }

  /** One Markdown page as RST. */
  static String convert(String md) {
    StringBuilder b = new StringBuilder(".. SPDX-License-Identifier: GPL-2.0\n\n");
    String[] lines = md.split("\n", -1);
    String lastDot = null;
    int i = 0;
    while (i < lines.length) {
      String l = lines[i];
      Matcher dl = DOT_LINK.matcher(l);
      if (dl.find()) {
        lastDot = dl.group(1);
      }
      if (l.startsWith("```")) {
        String lang = l.substring(3).trim();
        List<String> code = new ArrayList<>();
        i++;
        while (i < lines.length && !lines[i].startsWith("```")) {
          code.add(lines[i]);
          i++;
        }
        i++;
        if (lang.equals("mermaid") && lastDot != null) {
          b.append(".. kernel-figure:: ").append(lastDot).append("\n   :alt: ").append(lastDot.replace(".dot", ""))
              .append("\n\n   ").append(lastDot.replace(".dot", "")).append(" (computed by exploring the model)\n\n");
          continue;
        }
        b.append(".. code-block:: none\n\n");
        for (String c : code) {
          b.append(c.isEmpty() ? "" : "   " + c).append('\n');
        }
        b.append('\n');
        continue;
      }
      if (l.startsWith("#")) {
        int level = 0;
        while (level < l.length() && l.charAt(level) == '#') {
          level++;
        }
        String title = inline(l.substring(level).trim());
        String bar = String.valueOf(level == 1 ? '=' : level == 2 ? '=' : level == 3 ? '-' : '~').repeat(
            Math.max(1, title.length()));
        if (level == 1) {
          b.append(bar).append('\n').append(title).append('\n').append(bar).append("\n\n");
        } else {
          b.append(title).append('\n').append(bar).append("\n\n");
        }
        i++;
        continue;
      }
      if (l.startsWith("|")) {
        List<List<String>> rows = new ArrayList<>();
        while (i < lines.length && lines[i].startsWith("|")) {
          String row = lines[i].trim();
          if (!row.matches("\\|[-| :]+\\|")) {
            rows.add(cells(row));
          }
          i++;
        }
        table(b, rows);
        continue;
      }
      if (l.isBlank()) {
        i++;
        continue;
      }
      // a paragraph or a list: lines up to the next blank line
      List<String> para = new ArrayList<>();
      while (i < lines.length && !lines[i].isBlank() && !lines[i].startsWith("#") && !lines[i].startsWith("```")
          && !lines[i].startsWith("|")) {
        para.add(lines[i]);
        i++;
      }
      for (String p : para) {
        b.append(inline(p)).append('\n');
      }
      b.append('\n');
    }
    return b.toString().stripTrailing() + "\n";
  }

  private static List<String> cells(String row) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean code = false;
    for (int k = 1; k < row.length(); k++) {
      char c = row.charAt(k);
      if (c == '`') {
        code = !code;
      }
      if (c == '\\' && k + 1 < row.length() && row.charAt(k + 1) == '|') {
        cur.append('|');
        k++;
        continue;
      }
      if (c == '|' && !code) {
        out.add(cur.toString().trim());
        cur.setLength(0);
        continue;
      }
      cur.append(c);
    }
    return out;
  }

  private static void table(StringBuilder b, List<List<String>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    b.append(".. list-table::\n   :header-rows: 1\n\n");
    int cols = rows.get(0).size();
    for (List<String> r : rows) {
      for (int c = 0; c < cols; c++) {
        String cell = c < r.size() ? inline(r.get(c)) : "";
        b.append(c == 0 ? "   * - " : "     - ").append(cell.isEmpty() ? "\\" : cell).append('\n');
      }
    }
    b.append('\n');
  }

  /** Inline markup: `code` → ``code``, [text](target) → text (target page), **bold** kept. */
  static String inline(String s) {
    StringBuilder out = new StringBuilder();
    String[] parts = s.split("`", -1);
    for (int k = 0; k < parts.length; k++) {
      if (k % 2 == 1 && k < parts.length - 1) {
        String code = parts[k].isEmpty() ? " " : parts[k];
        out.append("``").append(code).append("``");
        // RST needs a non-word character after an inline literal
        if (k + 1 < parts.length && !parts[k + 1].isEmpty() && Character.isLetterOrDigit(parts[k + 1].charAt(0))) {
          out.append("\\ ");
        }
      } else {
        String t = parts[k];
        Matcher m = LINK.matcher(t);
        StringBuilder tb = new StringBuilder();
        while (m.find()) {
          String target = m.group(2).replaceAll("\\.md(#.*)?$", "").replace("README", "index");
          m.appendReplacement(tb, Matcher.quoteReplacement(m.group(1) + " (" + target + ")"));
        }
        m.appendTail(tb);
        out.append(tb.toString().replace("*", "\\*").replace("\\*\\*", "**"));
      }
    }
    return out.toString();
  }
}
