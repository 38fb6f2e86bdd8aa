// SPDX-License-Identifier: GPL-3.0-or-later
// Contract tests for the three serializers: every data function produces one row per serializer
// ("json/...", "msgpack/...", "cbor/...") unless a row is about one wire format only.
#include "codec/serializer.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>

using namespace wb;
using namespace wb::codec;
using namespace wb::wamp;

namespace wb::wamp {
// Readable QCOMPARE failures for Value (found through ADL by QTest).
char *toString(const Value &v)
{
    return qstrdup(v.toDebugString().toUtf8().constData());
}
} // namespace wb::wamp

namespace {

constexpr SerializerId kAllIds[] = {SerializerId::Json, SerializerId::MsgPack, SerializerId::Cbor};
constexpr qint64 kInt64Max = std::numeric_limits<qint64>::max();
constexpr qint64 kInt64Min = std::numeric_limits<qint64>::min();
constexpr quint64 kUInt64Max = std::numeric_limits<quint64>::max();

/// msgpack-c's unpacker has a fixed container stack of 32 (MSGPACK_EMBED_STACK_SIZE); the other two
/// serializers allow kMaxNestingDepth.
int maxDepth(SerializerId id)
{
    return id == SerializerId::MsgPack ? 32 : kMaxNestingDepth;
}

QString str(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QByteArray hex(const char *h)
{
    return QByteArray::fromHex(h);
}

Value nestedLists(int depth)
{
    Value v = 1;
    for (int i = 0; i < depth; ++i)
        v = Value(List{v});
    return v;
}

Value nestedDicts(int depth)
{
    Value v = QStringLiteral("leaf");
    for (int i = 0; i < depth; ++i)
        v = Value(Dict{{QStringLiteral("a"), v}});
    return v;
}

Value wampCall()
{
    return List{36, qint64(5512315355), qint64(4429313566), Dict{}, List{QStringLiteral("Hello")},
                Dict{{QStringLiteral("k"), 1}}};
}

Value mixed()
{
    return List{Dict{{QStringLiteral("list"), List{1, 2.5, QStringLiteral("x"), Value(), true}},
                     {QStringLiteral("dict"), Dict{{QStringLiteral("b"), Value::bytes(QByteArray("\x00\x01", 2))}}},
                     {QStringLiteral("empty"), List{}}},
                List{List{}, Dict{}, List{List{Value(false)}}}, quint64(kUInt64Max), -0.5};
}

QString rowName(SerializerId id, const char *name)
{
    return serializerName(id) + QLatin1Char('/') + QLatin1String(name);
}

void addRow(SerializerId id, const char *name)
{
    QTest::newRow(qPrintable(rowName(id, name))) << int(id);
}

QString errorPrefix(SerializerId id)
{
    switch (id) {
    case SerializerId::Json: return QStringLiteral("JSON: ");
    case SerializerId::MsgPack: return QStringLiteral("MessagePack: ");
    case SerializerId::Cbor: return QStringLiteral("CBOR: ");
    case SerializerId::Invalid: break;
    }
    return {};
}

bool hasNonFinite(const Value &v)
{
    const QString s = v.toDebugString();
    return s.contains(QLatin1String("NaN")) || s.contains(QLatin1String("Infinity"));
}

} // namespace

class TstCodec : public QObject
{
    Q_OBJECT
private slots:
    void factory()
    {
        for (SerializerId id : kAllIds) {
            const Serializer *s = serializer(id);
            QVERIFY(s);
            QCOMPARE(s->id(), id);
            QCOMPARE(serializerByName(s->name()), s);
            QCOMPARE(serializerBySubprotocol(s->subprotocol()), s);
            QCOMPARE(serializerName(id), s->name());
            QCOMPARE(s->isBinary(), id != SerializerId::Json);
        }
        QCOMPARE(serializer(SerializerId::Json)->subprotocol(), QStringLiteral("wamp.2.json"));
        QCOMPARE(serializer(SerializerId::MsgPack)->subprotocol(), QStringLiteral("wamp.2.msgpack"));
        QCOMPARE(serializer(SerializerId::Cbor)->subprotocol(), QStringLiteral("wamp.2.cbor"));
        QCOMPARE(serializerByName(QStringLiteral("cbor"))->id(), SerializerId::Cbor);
        QVERIFY(!serializer(SerializerId::Invalid));
        QVERIFY(!serializerByName(QStringLiteral("ubjson")));
        QVERIFY(!serializerBySubprotocol(QStringLiteral("wamp.2.json.batched")));
        QVERIFY(serializerName(SerializerId::Invalid).isEmpty());
        QCOMPARE(supportedSubprotocols(),
                 QStringList({QStringLiteral("wamp.2.json"), QStringLiteral("wamp.2.cbor"), QStringLiteral("wamp.2.msgpack")}));
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<Value>("value");
        const QList<std::pair<const char *, Value>> samples = {
            {"null", Value()},
            {"true", Value(true)},
            {"false", Value(false)},
            {"zero", Value(0)},
            {"minus-one", Value(-1)},
            {"2^53", Value(qint64(1) << 53)},
            {"-2^53", Value(-(qint64(1) << 53))},
            {"int64-max", Value(kInt64Max)},
            {"int64-min", Value(kInt64Min)},
            {"uint64-max", Value(kUInt64Max)},
            {"int64-max+1", Value(quint64(kInt64Max) + 1)},
            {"1.5", Value(1.5)},
            {"1.0-stays-double", Value(1.0)},
            {"-0.5", Value(-0.5)},
            {"1e300", Value(1e300)},
            {"-0.0", Value(-0.0)},
            {"denormal", Value(std::numeric_limits<double>::denorm_min())},
            {"double-max", Value(std::numeric_limits<double>::max())},
            {"0.1", Value(0.1)},
            {"cjk", Value(str("日本語のテキスト"))},
            {"emoji", Value(str("grin \xf0\x9f\x98\x80 and \xf0\x9f\x8f\xb3\xef\xb8\x8f"))},
            {"nul-in-middle", Value(QString::fromUtf8("a\0b", 3))},
            {"control-chars", Value(QString::fromUtf8("\"quote\" \\ \n\r\t\b\f\x01\x1f\x7f"))},
            {"empty-string", Value(QString())},
            {"empty-bytes", Value::bytes(QByteArray())},
            {"bytes-00-ff", Value::bytes(QByteArray("\x00\xff\x00\x80", 4))},
            {"bytes-long", Value::bytes(QByteArray(1000, '\xab'))},
            {"empty-list", Value(List{})},
            {"empty-dict", Value(Dict{})},
            {"dict-unicode-key", Value(Dict{{str("ключ"), 1}, {QString(), 2}})},
            {"nested", mixed()},
            {"wamp-call", wampCall()},
            {"long-list", Value(List(300, Value(1.25)))},
            {"nested-lists-max", Value()}, // filled per serializer below
            {"nested-dicts-max", Value()},
        };
        for (SerializerId id : kAllIds) {
            for (const auto &[name, value] : samples) {
                Value v = value;
                if (qstrcmp(name, "nested-lists-max") == 0)
                    v = nestedLists(maxDepth(id));
                else if (qstrcmp(name, "nested-dicts-max") == 0)
                    v = nestedDicts(maxDepth(id));
                QTest::newRow(qPrintable(rowName(id, name))) << int(id) << v;
            }
        }
    }
    void roundTrip()
    {
        QFETCH(int, id);
        QFETCH(Value, value);
        const Serializer *s = serializer(SerializerId(id));
        const QByteArray encoded = s->encode(value);
        if (!s->isBinary())
            QVERIFY(QString::fromUtf8(encoded).toUtf8() == encoded); // JSON output is valid UTF-8
        const Result<Value> decoded = s->decode(encoded);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QCOMPARE(decoded->kind(), value.kind());
        QCOMPARE(*decoded, value);
        if (value.isDouble()) // Value's == says -0.0 == 0.0; the sign must survive too
            QCOMPARE(std::signbit(decoded->toDouble()), std::signbit(value.toDouble()));
    }

    void wire_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<Value>("value");
        QTest::addColumn<QByteArray>("wire");
        const auto json = [](const char *name, const Value &v, const char *text) {
            QTest::newRow(qPrintable(rowName(SerializerId::Json, name))) << int(SerializerId::Json) << v << QByteArray(text);
        };
        const auto msgpack = [](const char *name, const Value &v, const char *h) {
            QTest::newRow(qPrintable(rowName(SerializerId::MsgPack, name))) << int(SerializerId::MsgPack) << v << hex(h);
        };
        const auto cbor = [](const char *name, const Value &v, const char *h) {
            QTest::newRow(qPrintable(rowName(SerializerId::Cbor, name))) << int(SerializerId::Cbor) << v << hex(h);
        };
        json("hello", List{1, QStringLiteral("realm1"), Dict{}}, "[1,\"realm1\",{}]");
        json("bytes-vector", Value::bytes(hex("10e3ff9053075c526f5fc06d4fe37cdb")), "\"\\u0000EOP/kFMHXFJvX8BtT+N82w==\"");
        json("bytes-empty", Value::bytes(QByteArray()), "\"\\u0000\"");
        json("wamp-call", wampCall(), "[36,5512315355,4429313566,{},[\"Hello\"],{\"k\":1}]");
        json("literals", List{Value(), true, false}, "[null,true,false]");
        json("double-1.0", 1.0, "1.0");
        json("double-1.5", 1.5, "1.5");
        json("double-minus-0.5", -0.5, "-0.5");
        json("double-minus-zero", -0.0, "-0.0");
        json("double-1e300", 1e300, "1e+300");
        json("double-0.1", 0.1, "0.1");
        json("double-2^53", 9007199254740992.0, "9007199254740992.0");
        json("int64-min", kInt64Min, "-9223372036854775808");
        json("uint64-max", kUInt64Max, "18446744073709551615");
        json("escapes", str("a\"b\\c/\n\t\x01\x1f"), "\"a\\\"b\\\\c/\\n\\t\\u0001\\u001f\"");
        json("nul-in-middle", QString::fromUtf8("a\0b", 3), "\"a\\u0000b\"");
        json("non-ascii-kept", str("é€😀"), "\"é€😀\"");
        json("dict-sorted", Dict{{QStringLiteral("b"), 1}, {QStringLiteral("a"), 2}}, "{\"a\":2,\"b\":1}");
        json("key-with-leading-nul-stays-string", Dict{{QString::fromUtf8("\0k", 2), 1}}, "{\"\\u0000k\":1}");

        msgpack("list", List{1, QStringLiteral("a")}, "9201a161");
        msgpack("2^53", qint64(1) << 53, "cf0020000000000000");
        msgpack("null-true-false", List{Value(), true, false}, "93c0c3c2");
        msgpack("fixint-127", 127, "7f");
        msgpack("uint8", 128, "cc80");
        msgpack("uint16", 256, "cd0100");
        msgpack("uint32", 65536, "ce00010000");
        msgpack("minus-one", -1, "ff");
        msgpack("minus-32", -32, "e0");
        msgpack("int8", -33, "d0df");
        msgpack("int16", -129, "d1ff7f");
        msgpack("int32", -32769, "d2ffff7fff");
        msgpack("int64-min", kInt64Min, "d38000000000000000");
        msgpack("uint64-max", kUInt64Max, "cfffffffffffffffff");
        msgpack("double-1.5", 1.5, "cb3ff8000000000000");
        msgpack("double-1.0", 1.0, "cb3ff0000000000000");
        msgpack("bytes", Value::bytes(hex("00ff")), "c40200ff");
        msgpack("empty-string", QString(), "a0");
        msgpack("str8", QString(40, QLatin1Char('x')), "d928" "78787878787878787878787878787878787878787878787878787878787878787878787878787878");
        msgpack("dict", Dict{{QStringLiteral("k"), 1}}, "81a16b01");
        msgpack("empty-containers", List{List{}, Dict{}}, "929080");

        cbor("list", List{1, QStringLiteral("a")}, "820161" "61");
        cbor("2^53", qint64(1) << 53, "1b0020000000000000");
        cbor("null-true-false", List{Value(), true, false}, "83f6f5f4");
        cbor("uint8", 24, "1818");
        cbor("minus-one", -1, "20");
        cbor("int64-min", kInt64Min, "3b7fffffffffffffff");
        cbor("uint64-max", kUInt64Max, "1bffffffffffffffff");
        cbor("double-1.5", 1.5, "fb3ff8000000000000");
        cbor("bytes", Value::bytes(hex("00ff")), "4200ff");
        cbor("text-utf8", str("é"), "62c3a9");
        cbor("dict", Dict{{QStringLiteral("k"), 1}}, "a1616b01");
        cbor("empty-containers", List{List{}, Dict{}}, "8280a0");
    }
    void wire()
    {
        QFETCH(int, id);
        QFETCH(Value, value);
        QFETCH(QByteArray, wire);
        const Serializer *s = serializer(SerializerId(id));
        const QByteArray encoded = s->encode(value);
        if (s->isBinary())
            QCOMPARE(encoded.toHex(), wire.toHex());
        else
            QCOMPARE(encoded, wire);
        const Result<Value> decoded = s->decode(wire);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QCOMPARE(*decoded, value);
    }

    // Inputs our encoders never produce but peers may send.
    void decodeOnly_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<Value>("expected");
        const auto row = [](SerializerId id, const char *name, const QByteArray &in, const Value &v) {
            QTest::newRow(qPrintable(rowName(id, name))) << int(id) << in << v;
        };
        constexpr auto J = SerializerId::Json;
        constexpr auto M = SerializerId::MsgPack;
        constexpr auto C = SerializerId::Cbor;
        const double two64 = 18446744073709551616.0;

        row(J, "whitespace", " \t\r\n[ 1 , { \"a\" : [ ] } ]\n ", List{1, Dict{{QStringLiteral("a"), List{}}}});
        row(J, "exponent-is-double", "1E2", 100.0);
        row(J, "exponent-signs", "[1e+2,1e-2,-2.5E0]", List{100.0, 0.01, -2.5});
        row(J, "minus-zero-integer", "-0", 0);
        row(J, "uint64-max+1-is-double", "18446744073709551616", two64);
        row(J, "int64-min-1-is-double", "-9223372036854775809", -9223372036854775808.0);
        row(J, "huge-exponent-is-inf", "[1e999,-1e999]",
            List{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
        row(J, "underflow-is-zero", "[1e-999,0.000001e-400]", List{0.0, 0.0});
        row(J, "many-digits", "3.141592653589793238462643383279", 3.141592653589793);
        row(J, "escapes", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\"", str("\"\\/\b\f\n\r\tAé€"));
        row(J, "surrogate-pair", "\"\\ud83d\\ude00x\"", str("😀x"));
        row(J, "raw-utf8", "\"日本\"", str("日本"));
        row(J, "duplicate-keys-last-wins", "{\"a\":1,\"a\":2}", Dict{{QStringLiteral("a"), 2}});
        row(J, "base64-without-padding", "\"\\u0000QUI\"", Value::bytes("AB"));
        row(J, "uppercase-escape", "\"\\u00E9\\u0000\"", Value(QString::fromUtf8("\xc3\xa9\0", 3)));

        row(M, "uint8-small", hex("cc05"), 5);
        row(M, "uint16-small", hex("cd0005"), 5);
        row(M, "uint32-small", hex("ce00000005"), 5);
        row(M, "uint64-small", hex("cf0000000000000005"), 5);
        row(M, "int8-positive", hex("d005"), 5);
        row(M, "int16-negative", hex("d1fffb"), -5);
        row(M, "int32-negative", hex("d2fffffffb"), -5);
        row(M, "int64-positive", hex("d30000000000000005"), 5);
        row(M, "float32", hex("ca3fc00000"), 1.5);
        row(M, "str16", hex("da000161"), QStringLiteral("a"));
        row(M, "str32", hex("db0000000161"), QStringLiteral("a"));
        row(M, "bin8-empty", hex("c400"), Value::bytes(QByteArray()));
        row(M, "bin16", hex("c5000100"), Value::bytes(QByteArray(1, '\0')));
        row(M, "bin32", hex("c600000001ff"), Value::bytes(QByteArray(1, '\xff')));
        row(M, "array16", hex("dc000101"), List{1});
        row(M, "array32", hex("dd0000000101"), List{1});
        row(M, "map16", hex("de0001a16101"), Dict{{QStringLiteral("a"), 1}});
        row(M, "map32", hex("df00000001a16101"), Dict{{QStringLiteral("a"), 1}});
        row(M, "duplicate-keys-last-wins", hex("82a16101a16102"), Dict{{QStringLiteral("a"), 2}});

        row(C, "float16", hex("f93e00"), 1.5);
        row(C, "float32", hex("fa3fc00000"), 1.5);
        row(C, "undefined-is-null", hex("f7"), Value());
        row(C, "small-uint-forms", hex("840518051900051a00000005"), List{5, 5, 5, 5});
        row(C, "uint64-small", hex("1b0000000000000005"), 5);
        row(C, "neg-int64-min", hex("3b7fffffffffffffff"), kInt64Min);
        row(C, "neg-below-int64-min-is-double", hex("3b8000000000000000"), -9223372036854775809.0);
        row(C, "neg-2^64-is-double", hex("3bffffffffffffffff"), -two64);
        row(C, "tag-epoch-ignored", hex("c11a514b67b0"), 1363896240);
        row(C, "tag-on-string-ignored", hex("d82062c3a9"), str("é"));
        row(C, "nested-tags-ignored", hex("c0c1c2c34100"), Value::bytes(QByteArray(1, '\0')));
        row(C, "tagged-key", hex("a1c06161" "01"), Dict{{QStringLiteral("a"), 1}});
        row(C, "indefinite-array", hex("9f0102ff"), List{1, 2});
        row(C, "indefinite-map", hex("bf616101ff"), Dict{{QStringLiteral("a"), 1}});
        row(C, "indefinite-text", hex("7f61616162ff"), QStringLiteral("ab"));
        row(C, "indefinite-bytes", hex("5f41004100ff"), Value::bytes(QByteArray(2, '\0')));
        row(C, "nested-indefinite", hex("9f9fff bfff ff"), List{List{}, Dict{}});
        row(C, "many-tags", QByteArray(10000, '\xc0') + hex("01"), 1);
        row(C, "duplicate-keys-last-wins", hex("a2616101616102"), Dict{{QStringLiteral("a"), 2}});
    }
    void decodeOnly()
    {
        QFETCH(int, id);
        QFETCH(QByteArray, input);
        QFETCH(Value, expected);
        const Result<Value> decoded = serializer(SerializerId(id))->decode(input);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QCOMPARE(decoded->kind(), expected.kind());
        QCOMPARE(*decoded, expected);
    }

    void malformed_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("messagePart"); // empty: don't check
        const auto row = [](SerializerId id, const char *name, const QByteArray &in, const char *code, const char *part = "") {
            QTest::newRow(qPrintable(rowName(id, name))) << int(id) << in << QString::fromLatin1(code) << QString::fromUtf8(part);
        };
        constexpr auto J = SerializerId::Json;
        constexpr auto M = SerializerId::MsgPack;
        constexpr auto C = SerializerId::Cbor;

        for (SerializerId id : kAllIds) {
            const Serializer *s = serializer(id);
            row(id, "empty", QByteArray(), "decode.empty");
            row(id, "too-deep-lists", s->encode(nestedLists(kMaxNestingDepth + 1)), "decode.too_deep");
            row(id, "too-deep-dicts", s->encode(nestedDicts(kMaxNestingDepth + 1)), "decode.too_deep");
            row(id, "max-depth+1", s->encode(nestedLists(maxDepth(id) + 1)), "decode.too_deep");
            row(id, "truncated-wamp-call", s->encode(wampCall()).chopped(1), "decode.truncated");
            row(id, "trailing-value", s->encode(wampCall()) + s->encode(1), "decode.trailing_data");
        }

        row(J, "only-whitespace", " \n\t ", "decode.empty");
        row(J, "truncated-array", "[1,2", "decode.truncated");
        row(J, "truncated-object", "{\"a\":", "decode.truncated");
        row(J, "truncated-string", "\"abc", "decode.truncated");
        row(J, "truncated-literal", "tru", "decode.truncated");
        row(J, "truncated-minus", "-", "decode.truncated");
        row(J, "truncated-fraction", "1.", "decode.truncated");
        row(J, "truncated-exponent", "1e+", "decode.truncated");
        row(J, "truncated-unicode-escape", "\"\\u12", "decode.truncated");
        row(J, "truncated-utf8", "\"\xe6\x97", "decode.truncated");
        row(J, "garbage", "xyz", "decode.syntax", "unexpected character 'x' at offset 0");
        row(J, "garbage-in-array", "[1,@]", "decode.syntax", "unexpected character '@' at offset 3");
        row(J, "missing-comma", "[1 2]", "decode.syntax");
        row(J, "trailing-comma", "[1,]", "decode.syntax");
        row(J, "leading-zero-in-array", "[01]", "decode.syntax");
        row(J, "plus-sign", "+1", "decode.syntax");
        row(J, "leading-dot", ".5", "decode.syntax");
        row(J, "nan-literal", "NaN", "decode.syntax");
        row(J, "single-quotes", "'a'", "decode.syntax");
        row(J, "bad-literal", "nul1", "decode.syntax");
        row(J, "non-string-key", "{1:2}", "decode.syntax");
        row(J, "missing-colon", "{\"a\" 1}", "decode.syntax");
        row(J, "raw-control-char", "\"a\x01\"", "decode.syntax");
        row(J, "invalid-escape", "\"\\x\"", "decode.syntax");
        row(J, "invalid-hex-escape", "\"\\u12g4\"", "decode.syntax");
        row(J, "bom", "\xef\xbb\xbf[]", "decode.syntax");
        row(J, "trailing-garbage", "[1] x", "decode.trailing_data");
        row(J, "trailing-number", "1 2", "decode.trailing_data");
        row(J, "leading-zero", "01", "decode.trailing_data");
        row(J, "two-objects", "{}{}", "decode.trailing_data");
        row(J, "invalid-utf8", "\"\xff\"", "decode.invalid_utf8");
        row(J, "invalid-utf8-continuation", "\"\xc3\x28\"", "decode.invalid_utf8");
        row(J, "overlong-utf8", "\"\xc0\xaf\"", "decode.invalid_utf8");
        row(J, "overlong-utf8-3", "\"\xe0\x80\xaf\"", "decode.invalid_utf8");
        row(J, "utf8-surrogate", "\"\xed\xa0\x80\"", "decode.invalid_utf8");
        row(J, "utf8-above-10ffff", "\"\xf4\x90\x80\x80\"", "decode.invalid_utf8");
        row(J, "invalid-utf8-after-escape", "\"\\n\xff\"", "decode.invalid_utf8");
        row(J, "lone-high-surrogate", "\"\\ud800\"", "decode.invalid_unicode");
        row(J, "lone-low-surrogate", "\"\\udc00\"", "decode.invalid_unicode");
        row(J, "high-surrogate-then-bmp", "\"\\ud800\\u0041\"", "decode.invalid_unicode");
        row(J, "invalid-base64-chars", "\"\\u0000@@@@\"", "decode.invalid_base64");
        row(J, "invalid-base64-length", "\"\\u0000Q\"", "decode.invalid_base64");
        row(J, "invalid-base64-padding", "\"\\u0000QU=I\"", "decode.invalid_base64");
        row(J, "invalid-base64-in-list", "[1,\"\\u0000*\"]", "decode.invalid_base64");
        row(J, "hostile-depth", QByteArray(100000, '['), "decode.too_deep");

        row(M, "truncated-array", hex("9201"), "decode.truncated");
        row(M, "truncated-str", hex("a561"), "decode.truncated");
        row(M, "truncated-double", hex("cb00"), "decode.truncated");
        row(M, "truncated-map", hex("81a161"), "decode.truncated");
        row(M, "truncated-length", hex("da00"), "decode.truncated");
        row(M, "garbage-reserved-c1", hex("c1"), "decode.syntax");
        row(M, "reserved-c1-in-array", hex("9101c1"), "decode.trailing_data"); // array of 1 then garbage
        row(M, "trailing-bytes", hex("0102"), "decode.trailing_data");
        row(M, "invalid-utf8", hex("a1ff"), "decode.invalid_utf8");
        row(M, "overlong-utf8", hex("a2c0af"), "decode.invalid_utf8");
        row(M, "invalid-utf8-key", hex("81a1ff01"), "decode.invalid_utf8");
        row(M, "int-key", hex("810101"), "decode.invalid_key");
        row(M, "bin-key", hex("81c4016101"), "decode.invalid_key");
        row(M, "nil-key-nested", hex("9181c001"), "decode.invalid_key");
        row(M, "hostile-str32", hex("dbffffffff0000000000"), "decode.truncated");
        row(M, "hostile-bin32", hex("c6ffffffff0000000000"), "decode.truncated");
        row(M, "hostile-array32", hex("ddffffffff0000000000"), "decode.truncated", "declares 4294967295 entries");
        row(M, "hostile-map32", hex("dfffffffffa16101a161"), "decode.truncated");
        row(M, "hostile-nested-array32", hex("91ddffffffff00"), "decode.truncated");
        row(M, "fixext1", hex("d40100"), "decode.unsupported_type", "unsupported ext type 1");
        row(M, "timestamp-ext", hex("d6ff00000000"), "decode.unsupported_type", "unsupported ext type -1");
        row(M, "ext8", hex("c7020501ff"), "decode.unsupported_type", "unsupported ext type 5");
        row(M, "ext-in-map", hex("81a161d40700"), "decode.unsupported_type", "unsupported ext type 7");
        row(M, "depth-33", QByteArray(33, '\x91') + hex("01"), "decode.too_deep");
        row(M, "hostile-depth", QByteArray(100000, '\x91'), "decode.too_deep");

        row(C, "truncated-array", hex("8201"), "decode.truncated");
        row(C, "truncated-text", hex("6261"), "decode.truncated");
        row(C, "truncated-double", hex("fb00"), "decode.truncated");
        row(C, "truncated-indefinite", hex("9f01"), "decode.truncated");
        row(C, "garbage-break", hex("ff"), "decode.syntax");
        row(C, "garbage-reserved-info", hex("1c"), "decode.syntax");
        row(C, "unexpected-break", hex("8201ff"), "decode.syntax");
        row(C, "trailing-bytes", hex("0102"), "decode.trailing_data");
        row(C, "trailing-break", hex("01ff"), "decode.trailing_data");
        row(C, "invalid-utf8", hex("62c328"), "decode.invalid_utf8");
        row(C, "utf8-surrogate", hex("63eda080"), "decode.invalid_utf8");
        row(C, "int-key", hex("a10101"), "decode.invalid_key");
        row(C, "bytes-key", hex("a1416101"), "decode.invalid_key");
        row(C, "simple-value-16", hex("f0"), "decode.unsupported_type");
        row(C, "hostile-bytes32", hex("5affffffff0000"), "decode.truncated");
        row(C, "hostile-text64", hex("7bffffffffffffffff00"), "decode.too_large");
        row(C, "hostile-array32", hex("9affffffff00"), "decode.too_large");
        row(C, "hostile-array64", hex("9bffffffffffffffff00"), "decode.too_large");
        row(C, "hostile-map32", hex("baffffffff616101"), "decode.too_large");
        row(C, "hostile-depth", QByteArray(100000, '\x81'), "decode.too_deep");
        row(C, "hostile-indefinite-depth", QByteArray(100000, '\x9f'), "decode.too_deep");
        row(C, "tags-then-eof", QByteArray(1000, '\xc0'), "decode.truncated");
    }
    void malformed()
    {
        QFETCH(int, id);
        QFETCH(QByteArray, input);
        QFETCH(QString, code);
        QFETCH(QString, messagePart);
        const Result<Value> decoded = serializer(SerializerId(id))->decode(input);
        QVERIFY2(!decoded.ok(), qPrintable(decoded.ok() ? decoded->toDebugString() : QString()));
        QCOMPARE(decoded.error().code, code);
        QVERIFY2(decoded.error().message.startsWith(errorPrefix(SerializerId(id))), qPrintable(decoded.error().message));
        if (!messagePart.isEmpty())
            QVERIFY2(decoded.error().message.contains(messagePart), qPrintable(decoded.error().message));
    }

    void jsonNonFiniteBecomesNull()
    {
        const Serializer *json = serializer(SerializerId::Json);
        const Value v = List{std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
        QCOMPARE(json->encode(v), QByteArray("[null,null,null]"));
        // The binary formats carry them as they are.
        for (SerializerId id : {SerializerId::MsgPack, SerializerId::Cbor}) {
            const Result<Value> back = serializer(id)->decode(serializer(id)->encode(v));
            QVERIFY(back.ok());
            QVERIFY(std::isnan(back->listPtr()->at(0).toDouble()));
            QCOMPARE(back->listPtr()->at(1).toDouble(), std::numeric_limits<double>::infinity());
            QCOMPARE(back->listPtr()->at(2).toDouble(), -std::numeric_limits<double>::infinity());
        }
    }

    void jsonLeadingNulStringBecomesBytes()
    {
        // The one lossy case of the WAMP JSON convention: text starting with U+0000 reads back as bytes.
        const Serializer *json = serializer(SerializerId::Json);
        const Result<Value> back = json->decode(json->encode(Value(QString::fromUtf8("\0QUI=", 5))));
        QVERIFY(back.ok());
        QCOMPARE(*back, Value::bytes("AB"));
    }

    void truncatedPrefixesFail_data()
    {
        QTest::addColumn<int>("id");
        for (SerializerId id : kAllIds)
            addRow(id, "all");
    }
    void truncatedPrefixesFail()
    {
        QFETCH(int, id);
        const Serializer *s = serializer(SerializerId(id));
        for (const Value &v : {wampCall(), mixed(), nestedDicts(10)}) {
            const QByteArray full = s->encode(v);
            QVERIFY(s->decode(full).ok());
            for (qsizetype n = 0; n < full.size(); ++n) {
                const Result<Value> r = s->decode(QByteArrayView(full.constData(), n));
                QVERIFY2(!r.ok(), qPrintable(QStringLiteral("prefix of %1 bytes decoded").arg(n)));
                QVERIFY(r.error().code.startsWith(QLatin1String("decode.")));
            }
        }
    }

    // Bounded fuzzing: random bytes and mutated valid encodings must never crash or hang. Whatever
    // decodes must survive a re-encode/decode round trip unchanged.
    void robustness_data()
    {
        QTest::addColumn<int>("id");
        for (SerializerId id : kAllIds)
            addRow(id, "random");
    }
    void robustness()
    {
        QFETCH(int, id);
        const Serializer *s = serializer(SerializerId(id));
        QRandomGenerator rng(20240531u + quint32(id));
        // Bytes that start structures in one of the formats, so random input gets past the first byte.
        static const char interesting[] = "[]{}\",:0123456789-.eE\\u tfn\x91\x81\xa1\xdc\xdd\xde\xdf\xdb\xc4\xcb\xd4"
                                          "\x82\xa2\x9f\xbf\xff\x61\x41\xc0\xf9\xfb\x1b\x3b";
        int decodedOk = 0;
        const auto check = [&](const QByteArray &input) {
            const Result<Value> r = s->decode(input);
            if (!r.ok()) {
                QVERIFY(r.error().code.startsWith(QLatin1String("decode.")));
                QVERIFY(!r.error().message.isEmpty());
                return;
            }
            ++decodedOk;
            if (hasNonFinite(*r))
                return;
            const Result<Value> again = s->decode(s->encode(*r));
            QVERIFY2(again.ok(), qPrintable(again.errorString()));
            QCOMPARE(*again, *r);
        };
        for (int i = 0; i < 20000; ++i) {
            const int len = rng.bounded(64);
            QByteArray input(len, Qt::Uninitialized);
            const bool structured = rng.bounded(2) == 0;
            for (int k = 0; k < len; ++k)
                input[k] = structured ? interesting[rng.bounded(int(sizeof interesting - 1))] : char(rng.bounded(256));
            check(input);
            if (QTest::currentTestFailed())
                return;
        }
        const QList<Value> seeds = {wampCall(), mixed(), nestedLists(20), nestedDicts(20)};
        for (const Value &seed : seeds) {
            const QByteArray valid = s->encode(seed);
            for (int i = 0; i < 2000; ++i) {
                QByteArray input = valid;
                if (rng.bounded(2) == 0)
                    input.truncate(rng.bounded(int(valid.size()) + 1));
                const int flips = rng.bounded(1, 4);
                for (int f = 0; f < flips && !input.isEmpty(); ++f)
                    input[rng.bounded(int(input.size()))] = char(rng.bounded(256));
                check(input);
                if (QTest::currentTestFailed())
                    return;
            }
        }
        qDebug("%s: %d of %d inputs decoded", qPrintable(s->name()), decodedOk, 20000 + 2000 * int(seeds.size()));
    }
};

QTEST_APPLESS_MAIN(TstCodec)
#include "tst_codec.moc"
