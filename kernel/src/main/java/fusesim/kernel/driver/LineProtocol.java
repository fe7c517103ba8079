package fusesim.kernel.driver;

import java.util.ArrayList;
import java.util.List;

/**
 * The driver's line protocol. Controller to driver: {@code seq TAB thread TAB op TAB arg...}; driver to
 * controller: {@code seq TAB = value [TAB key=value...]} or {@code seq TAB -1 TAB ERRNO}. Fields are
 * escaped so they never contain TAB, newline or '%'.
 */
final class LineProtocol {
    private LineProtocol() {}

    static String escape(String s) {
        return s.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A");
    }

    static String unescape(String s) {
        return s.replace("%0A", "\n").replace("%09", "\t").replace("%25", "%");
    }

    static String join(List<String> fields) {
        StringBuilder b = new StringBuilder();
        for (String f : fields) {
            if (b.length() > 0) {
                b.append('\t');
            }
            b.append(escape(f));
        }
        return b.toString();
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        for (String f : line.split("\t", -1)) {
            out.add(unescape(f));
        }
        return out;
    }
}
