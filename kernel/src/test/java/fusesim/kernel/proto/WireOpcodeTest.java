package fusesim.kernel.proto;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Opcode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire's opcodes are the model's (one list of fuse.h's enum fuse_opcode), plus UNKNOWN. */
class WireOpcodeTest {
  @Test
  void sameNamesAndNumbersAsTheModel() {
    Map<String, Integer> wire = new LinkedHashMap<>();
    for (WireOpcode o : WireOpcode.values()) {
      if (o != WireOpcode.UNKNOWN) {
        wire.put(o.name(), o.code);
      }
    }
    Map<String, Integer> model = new LinkedHashMap<>();
    for (Opcode o : Opcode.values()) {
      model.put(o.name(), o.code);
    }
    assertThat(wire).containsExactlyEntriesOf(model);
    assertThat(WireOpcode.of(Opcode.STATX.code)).isEqualTo(WireOpcode.STATX);
    assertThat(WireOpcode.of(7)).isEqualTo(WireOpcode.UNKNOWN);
  }
}
