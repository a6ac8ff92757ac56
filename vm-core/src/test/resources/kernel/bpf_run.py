#!/usr/bin/env python3
"""Kernel oracle for raw eBPF programs: loads each program with its maps through the bpf(2)
syscall, reports the verifier's verdict and log, and if accepted runs it once on a packet
(BPF_PROG_TEST_RUN) and dumps the maps afterwards. x86-64 Linux, root only.

Input, one request per line on stdin, tab-separated:
  PROG_TYPE  INSNS_HEX  MAPS  PACKET_HEX
where MAPS is "type:key_size:value_size:max_entries:flags" per map joined by ";" (or "-"),
and PACKET_HEX may be "-" (load only). lddw slots with src_reg 1 carry a map index in imm,
replaced by that map's fd here.
Output, one line per request, tab-separated:
  ACCEPT|REJECT  ERRNO  RETVAL  PACKET_HEX  MAP_DUMP  LAST_LOG_LINE
where MAP_DUMP is "key:value" entries (hex) joined by "," per map, maps joined by ";", and
LAST_LOG_LINE is the verifier log's last line before its "processed N insns" summary.
"""
import ctypes
import os
import sys

SYS_BPF = 321
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    r = libc.syscall(SYS_BPF, ctypes.c_int(cmd), ctypes.byref(attr), ctypes.c_uint(ctypes.sizeof(attr)))
    return r, (ctypes.get_errno() if r < 0 else 0)


def attr():
    return (ctypes.c_ubyte * 160)()


def put(buf, off, fmt_size, value):
    ctypes.memmove(ctypes.addressof(buf) + off, ctypes.byref({4: ctypes.c_uint32, 8: ctypes.c_uint64}[fmt_size](value)), fmt_size)


def get(buf, off, size):
    return {4: ctypes.c_uint32, 8: ctypes.c_uint64}[size].from_buffer(buf, off).value


def create_map(m):
    a = attr()
    put(a, 0, 4, m["type"]); put(a, 4, 4, m["key"]); put(a, 8, 4, m["value"])
    put(a, 12, 4, m["max"]); put(a, 16, 4, m.get("flags", 0))
    fd, err = bpf(0, a)
    if fd < 0:
        raise OSError(err, "map create: " + os.strerror(err))
    return fd


def dump_map(fd, m):
    entries = []
    key = (ctypes.c_ubyte * m["key"])()
    nxt = (ctypes.c_ubyte * m["key"])()
    val = (ctypes.c_ubyte * m["value"])()
    first = True
    while True:
        a = attr()
        put(a, 0, 4, fd)
        put(a, 8, 8, 0 if first else ctypes.addressof(key))
        put(a, 16, 8, ctypes.addressof(nxt))
        r, err = bpf(4, a)
        if r < 0:
            break
        first = False
        ctypes.memmove(key, nxt, m["key"])
        a = attr()
        put(a, 0, 4, fd); put(a, 8, 8, ctypes.addressof(key)); put(a, 16, 8, ctypes.addressof(val))
        r, err = bpf(1, a)
        if r == 0:
            entries.append([bytes(key).hex(), bytes(val).hex()])
    return entries


def handle(req):
    fds = [create_map(m) for m in req.get("maps", [])]
    try:
        code = bytearray.fromhex(req["insns"])
        for i in range(0, len(code), 8):
            if code[i] == 0x18 and (code[i + 1] >> 4) == 1:
                idx = int.from_bytes(code[i + 4:i + 8], "little")
                code[i + 4:i + 8] = fds[idx].to_bytes(4, "little")
        insns = (ctypes.c_ubyte * len(code)).from_buffer(code)
        lic = ctypes.create_string_buffer(b"GPL")
        log = ctypes.create_string_buffer(1 << 22)
        a = attr()
        put(a, 0, 4, req["prog_type"]); put(a, 4, 4, len(code) // 8)
        put(a, 8, 8, ctypes.addressof(insns)); put(a, 16, 8, ctypes.addressof(lic))
        put(a, 24, 4, req.get("log_level", 1)); put(a, 28, 4, len(log)); put(a, 32, 8, ctypes.addressof(log))
        pfd, err = bpf(5, a)
        text = log.value.decode(errors="replace")
        if pfd < 0 and err == 28:  # ENOSPC: log too small, verdict still meaningful
            pass
        out = {"accepted": pfd >= 0, "errno": err, "log": text}
        if pfd < 0:
            return out
        try:
            if "packet" in req:
                pkt = bytes.fromhex(req["packet"])
                din = ctypes.create_string_buffer(pkt, len(pkt))
                dout = ctypes.create_string_buffer(len(pkt) + 512)
                a = attr()
                put(a, 0, 4, pfd); put(a, 8, 4, len(pkt)); put(a, 12, 4, len(dout))
                put(a, 16, 8, ctypes.addressof(din)); put(a, 24, 8, ctypes.addressof(dout)); put(a, 32, 4, 1)
                r, err = bpf(10, a)
                if r < 0:
                    out["run_errno"] = err
                else:
                    out["retval"] = get(a, 4, 4)
                    out["packet"] = dout.raw[:get(a, 12, 4)].hex()
                    out["maps"] = [dump_map(fd, m) for fd, m in zip(fds, req.get("maps", []))]
        finally:
            os.close(pfd)
        return out
    finally:
        for fd in fds:
            os.close(fd)


def parse(line):
    fields = line.split("\t")
    req = {"prog_type": int(fields[0]), "insns": fields[1], "maps": []}
    if fields[2] != "-":
        for m in fields[2].split(";"):
            t, k, v, n, f = (int(x) for x in m.split(":"))
            req["maps"].append({"type": t, "key": k, "value": v, "max": n, "flags": f})
    if len(fields) > 3 and fields[3] != "-":
        req["packet"] = fields[3]
    return req


def last_line(log):
    lines = [l for l in log.splitlines() if l.strip()]
    while lines and (lines[-1].startswith("processed ") or lines[-1].startswith("verification time")
                     or lines[-1].startswith("stack depth")):
        lines.pop()
    return lines[-1] if lines else ""


def format(out):
    dump = ";".join(",".join(k + ":" + v for k, v in entries) for entries in out.get("maps", []))
    return "\t".join([
        "ACCEPT" if out["accepted"] else "REJECT",
        str(out["errno"]),
        str(out.get("retval", "-")),
        out.get("packet", "-") or "-",
        dump or "-",
        last_line(out.get("log", "")).replace("\t", " "),
    ])


def main():
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        try:
            print(format(handle(parse(line))), flush=True)
        except Exception as e:  # one line per request, whatever happens
            print("REJECT\t-1\t-\t-\t-\toracle error: %s" % str(e).replace("\t", " "), flush=True)


if __name__ == "__main__":
    main()
