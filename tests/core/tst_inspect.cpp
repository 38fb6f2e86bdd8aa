// SPDX-License-Identifier: GPL-3.0-or-later
// core/inspect: JSON text errors with line/column, pretty printing, field paths, the capped event store
// (cap, chunk release, topic statistics) and event filters.

#include "fakes/testutil.h"

#include "inspect/eventfilter.h"
#include "inspect/receivedevents.h"
#include "inspect/fieldpath.h"
#include "inspect/jsontext.h"

#include <QTest>

using namespace wb;
using wamp::Value;

using wb::testing::s;

class TstInspect : public QObject
{
    Q_OBJECT
private slots:
    void jsonErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("contains");
        QTest::newRow("bad char line 1") << s("[1, x]") << 1 << 5 << s("unexpected character 'x'");
        QTest::newRow("line 3") << s("{\n  \"a\": 1,\n  \"b\": ?\n}") << 3 << 8 << s("'?'");
        QTest::newRow("truncated") << s("[1,\n2") << 2 << 2 << s("end of input");
        QTest::newRow("trailing") << s("[1] 2") << 1 << 5 << s("trailing");
        QTest::newRow("unicode column") << s("[\"\u00e9\u00e9\", ]") << 1 << 8 << s("unexpected character ']'");
        QTest::newRow("empty") << s("  ") << 1 << 1 << s("empty");
    }
    void jsonErrors()
    {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, contains);
        const inspect::JsonParse p = inspect::parseJsonText(text);
        QVERIFY(!p.ok);
        QCOMPARE(p.error.line, line);
        QCOMPARE(p.error.column, column);
        QVERIFY2(p.error.message.contains(contains), qPrintable(p.error.message));
        QVERIFY(p.error.toString().startsWith(QStringLiteral("line %1, column %2").arg(line).arg(column)));
    }

    void jsonParseAndPrint()
    {
        const inspect::JsonParse p = inspect::parseJsonText(s("{\"big\": 18446744073709551615, \"n\": [1, 2.5, \"x\", null, true]}"));
        QVERIFY(p.ok);
        QCOMPARE(p.value[s("big")].toUInt64().value(), Q_UINT64_C(18446744073709551615));
        QCOMPARE(inspect::toCompactJson(p.value), s("{\"big\":18446744073709551615,\"n\":[1,2.5,\"x\",null,true]}"));
        QCOMPARE(inspect::toPrettyJson(Value(wamp::List{1, wamp::Dict{{s("a"), Value(1.0)}}})),
                 s("[\n  1,\n  {\n    \"a\": 1.0\n  }\n]"));
        const Value bytes = Value::bytes(QByteArray::fromHex("0a0bff"));
        QCOMPARE(inspect::toCompactJson(bytes, inspect::BytesStyle::Hex), s("\"0x0a0bff\""));
        // Every display shows bytes the one way the editors parse back: "\u0000"+base64, also Value::toDebugString().
        QCOMPARE(inspect::toCompactJson(bytes), s("\"\\u0000Cgv/\""));
        QCOMPARE(inspect::toPrettyJson(Value(wamp::List{bytes})), s("[\n  \"\\u0000Cgv/\"\n]"));
        QCOMPARE(bytes.toDebugString(), inspect::toCompactJson(bytes));
        const inspect::JsonParse back = inspect::parseJsonText(inspect::toPrettyJson(Value(wamp::List{bytes})));
        QVERIFY(back.ok);
        QCOMPARE(back.value, Value(wamp::List{bytes}));
        QCOMPARE(inspect::toCompactJson(Value(s("a\"b\n"))), s("\"a\\\"b\\n\""));
    }

    void fieldPath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<double>("expected");
        QTest::newRow("args[0]") << s("args[0]") << true << 21.5;
        QTest::newRow("kwargs.temp") << s("kwargs.temp") << true << 3.0;
        QTest::newRow("nested") << s("kwargs.sensor.values[1]") << true << 7.0;
        QTest::newRow("quoted key") << s("kwargs[\"a.b\"]") << true << 9.0;
        QTest::newRow("list in args") << s("args[1][0]") << true << 4.0;
        QTest::newRow("out of range") << s("args[5]") << false << 0.0;
        QTest::newRow("missing key") << s("kwargs.nope") << false << 0.0;
        QTest::newRow("not a list") << s("kwargs[0]") << false << 0.0;
    }
    void fieldPath()
    {
        QFETCH(QString, path);
        QFETCH(bool, ok);
        QFETCH(double, expected);
        wamp::Dict sensor{{s("values"), Value(wamp::List{6, 7})}};
        wamp::Dict kw{{s("temp"), Value(3)}, {s("sensor"), Value(sensor)}, {s("a.b"), Value(9)}};
        const Value root = inspect::payloadRoot(wamp::List{21.5, Value(wamp::List{4})}, kw);
        const Result<inspect::FieldPath> p = inspect::FieldPath::parse(path);
        QVERIFY2(p.ok(), qPrintable(p.errorString()));
        const Result<Value> v = p->extract(root);
        QCOMPARE(v.ok(), ok);
        if (ok)
            QCOMPARE(v->toDouble(), expected);
        else
            QVERIFY(!v.errorString().isEmpty());
    }

    void fieldPathSyntax_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("empty") << QString();
        QTest::newRow("dot first") << s(".a");
        QTest::newRow("trailing dot") << s("a.");
        QTest::newRow("bad index") << s("args[x]");
        QTest::newRow("unclosed") << s("args[0");
        QTest::newRow("unterminated quote") << s("kwargs[\"a]");
    }
    void fieldPathSyntax()
    {
        QFETCH(QString, path);
        QVERIFY(!inspect::FieldPath::parse(path).ok());
    }

    void storeCap()
    {
        inspect::ReceivedEventLog st(100);
        for (int i = 0; i < 250; ++i)
            st.append(1000 + i, 7, (i % 2) ? s("a.b") : s("a.c"), quint64(i % 3), wamp::List{i}, {});
        QCOMPARE(st.size(), 100);
        QCOMPARE(st.firstSeq(), quint64(150));
        QCOMPARE(st.endSeq(), quint64(250));
        QCOMPARE(st.totalAppended(), quint64(250));
        QCOMPARE(st.dropped(), quint64(150));
        wamp::List a;
        wamp::Dict k;
        QVERIFY(st.payload(150, &a, &k));
        QCOMPARE(a, (wamp::List{150}));
        QVERIFY(!st.payload(149, &a, &k));
        QCOMPARE(st.preview(249), s("[249]"));
        // topics stay counted over everything seen
        QCOMPARE(st.topicCount(), 2);
        QCOMPARE(st.topicStat(0).count + st.topicStat(1).count, quint64(250));
        st.setCap(10);
        QCOMPARE(st.size(), 10);
        QCOMPARE(st.firstSeq(), quint64(240));
        st.clear();
        QCOMPARE(st.size(), 0);
        QCOMPARE(st.topicCount(), 0);
        QCOMPARE(st.append(1, 1, s("x"), 0, {}, {}), quint64(250));
        QCOMPARE(st.preview(250), s("[]"));
        // shortest round-trip numbers, bytes in the WAMP notation (as every display), kwargs after args
        st.append(2, 1, s("x"), 0, wamp::List{17.7, 1e300, Value::bytes("\x0a")}, wamp::Dict{{s("u"), Value(s("C"))}});
        QCOMPARE(st.preview(251), s("[17.7,1e+300,\"\\u0000Cg==\"] {\"u\":\"C\"}"));
    }

    void storeReleasesChunks()
    {
        // 20k events of ~1 KiB with a cap of 1000: memory stays near 1000 events + one chunk.
        inspect::ReceivedEventLog st(1000);
        const QString big(1000, QLatin1Char('x'));
        for (int i = 0; i < 20000; ++i)
            st.append(i, 1, s("t"), 0, wamp::List{big, i}, {});
        QCOMPARE(st.size(), 1000);
        QVERIFY2(st.memoryBytes() < 4 * 1024 * 1024, qPrintable(QString::number(st.memoryBytes())));
        wamp::List a;
        wamp::Dict k;
        QVERIFY(st.payload(st.endSeq() - 1, &a, &k));
        QCOMPARE(a.at(1), Value(19999));
        QVERIFY(st.payload(st.firstSeq(), &a, &k));
        QCOMPARE(a.at(1), Value(19000));
    }

    void topicRates()
    {
        inspect::ReceivedEventLog st;
        QVERIFY(!st.updateRates(10000)); // first call only starts the window
        for (int i = 0; i < 50; ++i)
            st.append(10000 + i, 1, s("a"), 0, wamp::List{i}, {});
        QVERIFY(!st.updateRates(10500));
        QVERIFY(st.updateRates(12000));
        QCOMPARE(st.topicStat(0).rate, 25.0);
        QVERIFY(!st.topicStat(0).lastPayload.isEmpty());
        QVERIFY(st.updateRates(13000));
        QCOMPARE(st.topicStat(0).rate, 0.0);
    }

    void filters()
    {
        inspect::ReceivedEventLog st;
        st.append(1, 1, s("com.a.temp"), 11, wamp::List{21.5}, wamp::Dict{{s("unit"), Value(s("C"))}});
        st.append(2, 2, s("com.b.hum"), 12, wamp::List{40}, {});
        st.append(3, 1, s("com.a.temp"), 0, wamp::List{s("error 42")}, {});
        const auto count = [&](const inspect::EventFilter &f) {
            int n = 0;
            for (quint64 q = st.firstSeq(); q < st.endSeq(); ++q)
                n += f.matches(st, q) ? 1 : 0;
            return n;
        };
        inspect::EventFilter f;
        QVERIFY(f.isEmpty());
        QCOMPARE(count(f), 3);
        f.subscription = 1;
        QCOMPARE(count(f), 2);
        f = {};
        f.topicContains = s("B.H");
        QCOMPARE(count(f), 1);
        f = {};
        f.publisher = 11;
        QCOMPARE(count(f), 1);
        f = {};
        f.payloadContains = s("unit");
        QCOMPARE(count(f), 1);
        f = {};
        f.search = s("ERROR");
        QCOMPARE(count(f), 1);
        f.search = s("^com\\.a\\.");
        f.searchIsRegex = true;
        QCOMPARE(count(f), 2);
        f.search = s("error \\d+");
        QCOMPARE(count(f), 1);
        f.search = s("([");
        QVERIFY(!f.regexError().isEmpty());
        QCOMPARE(count(f), 0);
    }
};

QTEST_GUILESS_MAIN(TstInspect)
#include "tst_inspect.moc"
