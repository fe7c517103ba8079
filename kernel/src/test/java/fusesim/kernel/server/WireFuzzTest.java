package fusesim.kernel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.BackingMap;
import fusesim.kernel.proto.Entry2Out;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.FuseAttr;
import fusesim.kernel.proto.FuseStatx;
import fusesim.kernel.proto.InHeader;
import fusesim.kernel.proto.InitIn;
import fusesim.kernel.proto.InitOut;
import fusesim.kernel.proto.OpenOut;
import fusesim.kernel.proto.OutHeader;
import fusesim.kernel.proto.StatfsOut;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.proto.WriteOut;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Coverage-guided fuzz tests of the kernel oracle's wire code (Jazzer; regression mode from
 * {@code src/test/resources/fusesim/kernel/server/WireFuzzTestInputs/METHOD/} in mvn verify, fuzzing
 * mode as kernel/README.md says). No /dev/fuse: the decoder and the structs are pure code.
 */
class WireFuzzTest {
  private static final LowerTree TREE = new LowerTree(Path.of("/nonexistent-fusesim-lower"));

  /**
   * Any message as /dev/fuse could deliver it, the header's len set to the length read as the
   * kernel does (half the time) or left as fuzzed: the decoder returns a request of the header's
   * opcode, or refuses it as {@link RequestDecoder.Malformed}, never another exception. A WRITE's
   * data never exceeds what the message holds.
   */
  @FuzzTest(maxDuration = "4m")
  void requestDecoding(byte[] input) {
    if (input.length == 0) {
      return;
    }
    boolean fixLen = (input[0] & 1) != 0; // the first byte says whether len is set as the kernel sets it
    byte[] msg = java.util.Arrays.copyOfRange(input, 1, input.length);
    if (fixLen && msg.length >= 4) {
      Wire.wrap(msg, 0, msg.length).putInt(0, msg.length);
    }
    try {
      Request r = new RequestDecoder(TREE).decode(msg, msg.length);
      assertThat(r.op()).isEqualTo(WireOpcode.of(r.header().opcode()));
      assertThat(r.header().len()).isEqualTo(msg.length);
      if (r.data() != null) {
        assertThat(r.data().length).isLessThanOrEqualTo(msg.length - InHeader.SIZE);
      }
      assertThat(r.toString()).isNotEmpty();
    } catch (RequestDecoder.Malformed e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  /** One fixed-size struct of the protocol: its size, its decoder and its encoder. */
  private record Struct<T>(String name, int size, Function<ByteBuffer, T> decode, BiConsumer<T, ByteBuffer> encode) {
    void roundTrip(byte[] bytes) {
      T first = decode.apply(Wire.wrap(bytes, 0, size));
      ByteBuffer out = Wire.allocate(size);
      encode.accept(first, out);
      assertThat(out.position()).as(name + " encodes to its size").isEqualTo(size);
      T again = decode.apply(Wire.wrap(out.array(), 0, size));
      assertThat(again).as(name + ": decode(encode(decode(bytes)))").isEqualTo(first);
    }
  }

  private static final List<Struct<?>> STRUCTS = List.of(
      new Struct<>("fuse_out_header", OutHeader.SIZE, OutHeader::decode, OutHeader::encode),
      new Struct<>("fuse_attr", FuseAttr.SIZE, FuseAttr::decode, FuseAttr::encode),
      new Struct<>("fuse_entry_out", EntryOut.SIZE, EntryOut::decode, EntryOut::encode),
      new Struct<>("fuse_entry2_out", Entry2Out.SIZE, Entry2Out::decode, Entry2Out::encode),
      new Struct<>("fuse_attr_out", AttrOut.SIZE, AttrOut::decode, AttrOut::encode),
      new Struct<>("fuse_open_out", OpenOut.SIZE, OpenOut::decode, OpenOut::encode),
      new Struct<>("fuse_init_in", InitIn.SIZE, InitIn::decode, InitIn::encode),
      new Struct<>("fuse_init_out", InitOut.SIZE, InitOut::decode, InitOut::encode),
      new Struct<>("fuse_write_out", WriteOut.SIZE, WriteOut::decode, WriteOut::encode),
      new Struct<>("fuse_statfs_out", StatfsOut.SIZE, StatfsOut::decode, StatfsOut::encode),
      new Struct<>("fuse_backing_map", BackingMap.SIZE, BackingMap::decode, BackingMap::encode),
      new Struct<>("fuse_statx", FuseStatx.SIZE, FuseStatx::decode, FuseStatx::encode));

  /**
   * Every reply and ioctl struct the oracle writes or reads back: any bytes decode, and what they
   * decode to encodes to exactly the struct's size and decodes back to the same value.
   */
  @FuzzTest(maxDuration = "2m")
  void structRoundTrip(FuzzedDataProvider data) {
    Struct<?> s = data.pickValue(STRUCTS);
    byte[] bytes = new byte[s.size()];
    byte[] given = data.consumeRemainingAsBytes();
    System.arraycopy(given, 0, bytes, 0, Math.min(given.length, bytes.length));
    s.roundTrip(bytes);
  }

  /** A reply message's fuse_out_header.len is always the message's length (the kernel checks it). */
  @FuzzTest(maxDuration = "2m")
  void replyLength(FuzzedDataProvider data) {
    long unique = data.consumeLong();
    Answer r = switch (data.consumeInt(0, 3)) {
      case 0 -> Answer.error(data.consumeInt(1, 133));
      case 1 -> new Answer.Data(data.consumeBytes(4096));
      case 2 -> new Answer.Write(data.consumeInt());
      default -> Answer.OK;
    };
    byte[] msg = ReplyEncoder.encode(unique, r, data.consumeBoolean());
    OutHeader h = OutHeader.decode(Wire.wrap(msg, 0, msg.length));
    assertThat(h.len()).isEqualTo(msg.length);
    assertThat(h.unique()).isEqualTo(unique);
  }
}
