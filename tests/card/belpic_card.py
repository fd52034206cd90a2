#!/usr/bin/python3
"""A Belgian eID card (the BELPIC applet, version 1.7, RSA-2048) in vsmartcard's virtual reader.

It answers the APDUs OpenSC's BELPIC driver (card-belpic.c) and its PKCS#15 layer send: the
ATR, GET CARD DATA, SELECT FILE by path (no FCI, as the applet), READ BINARY of EF.DIR, the
PKCS#15 files, the certificates and the identity files, VERIFY with a tries counter that survives
the card being pulled, MSE SET for the Authentication (0x82) and Signature (0x83) keys, and
PSO COMPUTE DIGITAL SIGNATURE with the card's own PKCS#1 v1.5 padding.

It speaks vpcd's socket protocol itself: every message is a 2-byte big-endian length and its
bytes; a 1-byte message is a control code. Debian's python3-virtualsmartcard would carry the
same frames, but it cannot be imported on bookworm (it wants the `Crypto` namespace of the
retired pycrypto), and this card needs nothing else from it.

Usage: belpic_card.py --port N --pki DIR --person alice --state DIR [--pin 1234]
"""
import argparse
import os
import socket
import struct
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4

# The ATR of applet 1.1 to 1.7 cards, which OpenSC's table names "Applet V1.1".
ATR = bytes.fromhex("3B9813400AA503010101AD1311")
BELPIC_AID = bytes.fromhex("A000000177504B43532D3135")
KEY_AUTHENTICATION, KEY_SIGNATURE = 0x82, 0x83
MAX_TRIES = 3
CHIP_NUMBER = "534C494E336600296CFF2623660B0826"

SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_SECURITY_NOT_SATISFIED = b"\x69\x82"
SW_BLOCKED = b"\x69\x83"
SW_CONDITIONS_NOT_SATISFIED = b"\x69\x85"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_WRONG_DATA = b"\x6A\x80"
SW_FILE_NOT_FOUND = b"\x6A\x82"
SW_REFERENCE_NOT_FOUND = b"\x6A\x88"
SW_WRONG_P1P2 = b"\x6B\x00"
SW_INS_NOT_SUPPORTED = b"\x6D\x00"
SW_CLA_NOT_SUPPORTED = b"\x6E\x00"


def der_length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, *parts):
    value = b"".join(parts)
    return bytes([tag]) + der_length(len(value)) + value


def seq(*parts):
    return tlv(0x30, *parts)


def integer(n):
    return tlv(0x02, n.to_bytes(n.bit_length() // 8 + 1, "big"))


def octets(b):
    return tlv(0x04, b)


def utf8(s):
    return tlv(0x0C, s.encode())


def bits(*numbers):
    """A BIT STRING with the named bits set (bit 0 is the most significant bit of the first byte)."""
    size = max(numbers) // 8 + 1 if numbers else 1
    out = bytearray(size)
    for n in numbers:
        out[n // 8] |= 0x80 >> (n % 8)
    return tlv(0x03, b"\x00", bytes(out))


def path(p):
    return seq(octets(bytes.fromhex(p)))


def subject_field(cert, oid):
    values = cert.subject.get_attributes_for_oid(oid)
    return values[0].value if values else ""


class Card:
    def __init__(self, pki, person, state_dir, pin):
        def cert(name):
            with open(os.path.join(pki, name), "rb") as f:
                return x509.load_pem_x509_certificate(f.read())

        def key(name):
            with open(os.path.join(pki, "private", name), "rb") as f:
                return serialization.load_pem_private_key(f.read(), password=None)

        auth = cert(person + "-authentication.pem")
        self.keys = {KEY_AUTHENTICATION: key(person + "-authentication.key"),
                     KEY_SIGNATURE: key(person + "-signature.key")}
        self.pin = pin
        self.tries_file = os.path.join(state_dir, "tries")
        self.files = self.layout(auth, cert(person + "-signature.pem"), cert("citizen-ca.pem"),
                                 cert("belgium-root-ca.pem"))
        self.power_down()

    @staticmethod
    def layout(auth, sign, ca, root):
        der = lambda c: c.public_bytes(serialization.Encoding.DER)
        df00 = "3F00DF00"
        ef_dir = tlv(0x61, tlv(0x4F, BELPIC_AID), tlv(0x50, b"BELPIC"), tlv(0x51, bytes.fromhex(df00)))
        odf = (tlv(0xA0, path(df00 + "5035")) + tlv(0xA4, path(df00 + "5037")) + tlv(0xA8, path(df00 + "5034")))
        chip = bytes.fromhex(CHIP_NUMBER)  # also the TokenInfo's serial number
        token_info = seq(integer(0), octets(chip), utf8("(unknown)"), tlv(0x80, b"BELPIC"), bits(0, 2))
        # One PIN (reference 1), GLP-encoded by the driver: stored length 8, padding 0xFF.
        aodf = seq(seq(utf8("Basic PIN"), bits(0)), seq(octets(b"\x01")),
                   tlv(0xA1, seq(bits(1, 4, 5), tlv(0x0A, b"\x00"), integer(4), integer(8), integer(12),
                                 tlv(0x80, b"\x01"), octets(b"\xFF"), path("3F00"))))

        def private_key(label, key_id, usage, reference, consent):
            common = seq(utf8(label), bits(0), octets(b"\x01"), *([integer(1)] if consent else []))
            return seq(common, seq(octets(bytes([key_id])), bits(*usage), tlv(0x01, b"\xFF"), bits(0, 2, 3, 4),
                                   integer(reference)),
                       tlv(0xA1, seq(path(df00), integer(2048))))

        # The Signature key asks for the PIN before each use (userConsent 1), as on the card.
        prkdf = (private_key("Authentication", 2, [2], KEY_AUTHENTICATION, False) +
                 private_key("Signature", 3, [9], KEY_SIGNATURE, True))

        def certificate(label, cert_id, fid, authority):
            attrs = [octets(bytes([cert_id]))] + ([tlv(0x01, b"\xFF")] if authority else [])
            return seq(seq(utf8(label)), seq(*attrs), tlv(0xA1, seq(path(df00 + fid))))

        cdf = (certificate("Authentication", 2, "5038", False) + certificate("Signature", 3, "5039", False) +
               certificate("CA", 4, "503A", True) + certificate("Root", 6, "503B", True))

        def field(tag, text):
            return tlv(tag, text.encode())

        surname = subject_field(auth, NameOID.SURNAME)
        given = subject_field(auth, NameOID.GIVEN_NAME)
        # The identity file's tags, as the eID content specification numbers them.
        identity = (field(0x01, "592000012345") + tlv(0x02, chip) + field(0x03, "01.01.2024") +
                    field(0x04, "01.01.2034") + field(0x05, "Brussel") +
                    field(0x06, subject_field(auth, NameOID.SERIAL_NUMBER)) + field(0x07, surname) +
                    field(0x08, given) + field(0x09, "") + field(0x0A, "Belg") + field(0x0B, "Brussel") +
                    field(0x0C, "12 MAA 1978") + field(0x0D, "V") + field(0x0E, "") + field(0x0F, "1") +
                    field(0x10, "0"))
        address = field(0x01, "Wetstraat 1") + field(0x02, "1000") + field(0x03, "Brussel")
        return {
            "3F002F00": ef_dir,
            df00 + "5031": odf, df00 + "5032": token_info, df00 + "5034": aodf,
            df00 + "5035": prkdf, df00 + "5037": cdf,
            df00 + "5038": der(auth), df00 + "5039": der(sign), df00 + "503A": der(ca), df00 + "503B": der(root),
            "3F00DF014031": identity, "3F00DF014033": address,
        }

    # The tries counter lives in the card's memory: pulling the card keeps it.
    def tries(self):
        try:
            with open(self.tries_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return MAX_TRIES

    def set_tries(self, n):
        with open(self.tries_file + ".tmp", "w") as f:
            f.write("%d\n" % n)
        os.replace(self.tries_file + ".tmp", self.tries_file)

    def power_down(self):
        self.current = None  # the selected EF's path
        self.verified = False
        self.fresh_verify = False  # a VERIFY just before: what the Signature key needs
        self.environment = None

    def execute(self, apdu):
        if len(apdu) < 4:
            return SW_WRONG_LENGTH
        cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
        body = apdu[4:]
        data, le = b"", None
        if len(body) == 1:
            le = body[0] or 256
        elif len(body) > 1:
            lc = body[0]
            data = body[1:1 + lc]
            if len(data) != lc:
                return SW_WRONG_LENGTH
            rest = body[1 + lc:]
            le = (rest[0] or 256) if rest else None
        handlers = {0xA4: self.select, 0xB0: self.read_binary, 0x20: self.verify, 0x22: self.set_environment,
                    0x2A: self.sign, 0xE4: self.card_data, 0x84: self.challenge}
        if cla not in (0x00, 0x80):
            return SW_CLA_NOT_SUPPORTED
        handler = handlers.get(ins)
        if handler is None:
            return SW_INS_NOT_SUPPORTED
        if ins != 0x20 and ins != 0x22:
            self.fresh_verify = self.fresh_verify and ins == 0x2A
        return handler(p1, p2, data, le)

    def select(self, p1, p2, data, le):
        if p1 == 0x04:  # by AID: only the BELPIC application answers
            if data != BELPIC_AID:
                return SW_FILE_NOT_FOUND
            self.current = None
            return SW_OK
        target = data.hex().upper()
        if p1 == 0x08 and not target.startswith("3F00"):
            target = "3F00" + target
        elif p1 in (0x00, 0x02) and len(data) == 2 and target != "3F00":
            target = "3F00DF00" + target if target not in ("DF00", "DF01") else "3F00" + target
        elif p1 not in (0x00, 0x02, 0x08):
            return SW_WRONG_P1P2
        if target in ("3F00", "3F00DF00", "3F00DF01"):
            self.current = None
            return SW_OK
        if target not in self.files:
            return SW_FILE_NOT_FOUND
        self.current = target
        return SW_OK

    def read_binary(self, p1, p2, data, le):
        if self.current is None:
            return SW_NO_CURRENT_EF
        if p1 & 0x80:
            return SW_WRONG_P1P2
        offset = (p1 << 8) | p2
        content = self.files[self.current]
        if offset >= len(content):
            return SW_WRONG_P1P2  # what the applet answers past the end; the driver reads it as EOF
        return content[offset:offset + (le or 256)] + SW_OK

    def verify(self, p1, p2, data, le):
        if p2 != 0x01:
            return SW_REFERENCE_NOT_FOUND
        tries = self.tries()
        if tries == 0:
            return SW_BLOCKED
        if not data:  # a query of the counter
            return SW_OK if self.verified else bytes([0x63, 0xC0 | tries])
        if len(data) != 8 or data[0] >> 4 != 0x2:
            return SW_WRONG_DATA
        length = data[0] & 0x0F
        digits = data[1:].hex().upper()
        if not 4 <= length <= 12 or any(c != "F" for c in digits[length:]):
            return SW_WRONG_DATA
        if digits[:length] == self.pin:
            self.set_tries(MAX_TRIES)
            self.verified = self.fresh_verify = True
            return SW_OK
        self.verified = self.fresh_verify = False
        self.set_tries(tries - 1)
        return SW_BLOCKED if tries == 1 else bytes([0x63, 0xC0 | (tries - 1)])

    def set_environment(self, p1, p2, data, le):
        if (p1, p2) != (0x41, 0xB6):
            return SW_WRONG_P1P2
        # The applet's own format: a length byte, then tag and value pairs with no length of
        # their own: 04 80 <algorithm> 84 <key reference>.
        if not data or data[0] != len(data) - 1 or data[0] % 2:
            return SW_WRONG_DATA
        fields = {data[i]: data[i + 1:i + 2] for i in range(1, len(data), 2)}
        key = fields.get(0x84, b"")
        if len(key) != 1 or key[0] not in self.keys:
            return SW_REFERENCE_NOT_FOUND
        if fields.get(0x80) != b"\x01":  # PKCS#1 v1.5, padded by the card
            return SW_WRONG_DATA
        self.environment = key[0]
        return SW_OK

    def sign(self, p1, p2, data, le):
        if (p1, p2) != (0x9E, 0x9A):
            return SW_WRONG_P1P2
        if self.environment is None:
            return SW_CONDITIONS_NOT_SATISFIED
        if self.tries() == 0:
            return SW_BLOCKED
        needs_fresh = self.environment == KEY_SIGNATURE
        if not self.verified or (needs_fresh and not self.fresh_verify):
            return SW_SECURITY_NOT_SATISFIED
        self.fresh_verify = False
        numbers = self.keys[self.environment].private_numbers()
        size = (numbers.public_numbers.n.bit_length() + 7) // 8
        if len(data) > size - 11:
            return SW_WRONG_LENGTH
        block = b"\x00\x01" + b"\xFF" * (size - 3 - len(data)) + b"\x00" + data
        signature = pow(int.from_bytes(block, "big"), numbers.d, numbers.public_numbers.n)
        return signature.to_bytes(size, "big") + SW_OK

    def card_data(self, p1, p2, data, le):
        chip = bytes.fromhex(CHIP_NUMBER)
        # component code, OS number and version, softmask number and version, applet 1.7, global
        # OS version, applet interface version, PKCS#1 support, key exchange, life cycle "issued"
        return chip + bytes([0x23, 0x41, 0x01, 0x05, 0x01, 0x17, 0x00, 0x03, 0x01, 0x01, 0x00, 0x0F]) + SW_OK

    def challenge(self, p1, p2, data, le):
        return os.urandom(le or 8) + SW_OK


def serve(card, port, ready_file):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with open(ready_file, "w") as f:
        f.write("%d\n" % os.getpid())

    def receive(n):
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            if not chunk:
                raise EOFError
            out += chunk
        return out

    while True:
        try:
            (size,) = struct.unpack("!H", receive(2))
            message = receive(size) if size else b""
        except EOFError:
            return  # the reader went away (pcscd stopped)
        if size == 1:
            code = message[0]
            if code == CTRL_ATR:
                sock.sendall(struct.pack("!H", len(ATR)) + ATR)
            elif code in (CTRL_OFF, CTRL_RESET, CTRL_ON):
                card.power_down()
            continue
        answer = card.execute(message)
        sock.sendall(struct.pack("!H", len(answer)) + answer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="vpcd's port for this reader")
    parser.add_argument("--pki", required=True, help="the specimen's pki folder")
    parser.add_argument("--person", default="alice")
    parser.add_argument("--state", required=True, help="where the card keeps its tries counter")
    parser.add_argument("--pin", default="1234")
    parser.add_argument("--ready", required=True, help="written once the card is in the reader")
    args = parser.parse_args()
    os.makedirs(args.state, exist_ok=True)
    serve(Card(args.pki, args.person, args.state, args.pin), args.port, args.ready)


if __name__ == "__main__":
    sys.exit(main())
