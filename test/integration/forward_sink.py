"""A loopback forward-protocol listener for tests: records every frame shipper's out_forward
sends, decodes it strictly against Fluentd's byte layout, and acknowledges it when asked."""
import gzip
import socket
import struct
import threading

import msgpack


def parse_str_header(buf, pos):
    """Returns (length, header_size) of the msgpack str/bin at buf[pos]."""
    b = buf[pos]
    if 0xa0 <= b <= 0xbf:
        return b & 0x1f, 1
    if b in (0xd9, 0xc4):
        return buf[pos + 1], 2
    if b in (0xda, 0xc5):
        return struct.unpack(">H", buf[pos + 1:pos + 3])[0], 3
    if b in (0xdb, 0xc6):
        return struct.unpack(">I", buf[pos + 1:pos + 5])[0], 5
    raise ValueError(f"not a str at {pos}: {b:#x}")


class Frame:
    """One PackedForward frame as out_forward writes it:
    93 | tag str | db <u32> entries | option map."""

    def __init__(self, raw):
        if raw[0] != 0x93:
            raise ValueError("frame does not start with fixarray(3)")
        tlen, th = parse_str_header(raw, 1)
        self.tag = raw[1 + th:1 + th + tlen].decode()
        pos = 1 + th + tlen
        if raw[pos] != 0xdb:
            raise ValueError(f"entries are not str32: {raw[pos]:#x}")
        elen = struct.unpack(">I", raw[pos + 1:pos + 5])[0]
        self.payload = raw[pos + 5:pos + 5 + elen]
        self.option_raw = raw[pos + 5 + elen:]
        self.options = msgpack.unpackb(self.option_raw, raw=False)
        self.option_keys = list(self.options.keys())
        data = self.payload
        if self.options.get("compressed") == "gzip":
            data = gzip.decompress(data)
        self.entries_bytes = data
        unpacker = msgpack.Unpacker(raw=False, ext_hook=_ext_hook)
        unpacker.feed(data)
        self.events = list(unpacker)
        self.raw = raw


class EventTime:
    def __init__(self, sec, nsec):
        self.sec, self.nsec = sec, nsec

    def __repr__(self):
        return f"EventTime({self.sec},{self.nsec})"


def _ext_hook(code, data):
    if code == 0 and len(data) == 8:
        return EventTime(*struct.unpack(">II", data))
    return msgpack.ExtType(code, data)


class ForwardSink:
    def __init__(self, ack=True, port=0, drop_ack=False):
        self.ack = ack
        self.drop_ack = drop_ack
        self.lock = threading.Lock()
        self.frames = []
        self.connections = 0
        self.empty_connections = 0
        self.errors = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def _accept_loop(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(10)
        with self.lock:
            self.connections += 1
        # raw=True: the entries are a str32 holding binary msgpack, not UTF-8 text.
        unpacker = msgpack.Unpacker(raw=True, ext_hook=_ext_hook)
        buf = b""
        got = False
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                got = True
                buf += data
                unpacker.feed(data)
                for _obj in unpacker:
                    # The unpacker found a complete object: cut its raw bytes off buf.
                    frame_len = self._frame_length(buf)
                    raw, buf = buf[:frame_len], buf[frame_len:]
                    try:
                        frame = Frame(raw)
                    except Exception as e:  # noqa: BLE001
                        with self.lock:
                            self.errors.append(repr(e))
                        continue
                    with self.lock:
                        self.frames.append(frame)
                    chunk = frame.options.get("chunk")
                    if self.ack and chunk is not None and not self.drop_ack:
                        conn.sendall(msgpack.packb({"ack": chunk}))
        except (OSError, ValueError):
            pass
        finally:
            if not got:
                with self.lock:
                    self.empty_connections += 1
            conn.close()

    @staticmethod
    def _frame_length(buf):
        tlen, th = parse_str_header(buf, 1)
        pos = 1 + th + tlen
        elen = struct.unpack(">I", buf[pos + 1:pos + 5])[0]
        opt_start = pos + 5 + elen
        unp = msgpack.Unpacker(raw=True)
        unp.feed(buf[opt_start:])
        unp.unpack()
        return opt_start + unp.tell()

    def events(self):
        with self.lock:
            return [(f.tag, e) for f in self.frames for e in f.events]

    def frame_count(self):
        with self.lock:
            return len(self.frames)

    def close(self):
        self._stop = True
        self.sock.close()
