// SPDX-License-Identifier: GPL-3.0-or-later
#include "wamp/value.h"

#include <QTest>

using namespace wb::wamp;

class TstValue : public QObject
{
    Q_OBJECT
private slots:
    void kinds_data()
    {
        QTest::addColumn<Value>("value");
        QTest::addColumn<int>("kind");
        QTest::newRow("null") << Value() << int(Value::Kind::Null);
        QTest::newRow("bool") << Value(true) << int(Value::Kind::Bool);
        QTest::newRow("int") << Value(-5) << int(Value::Kind::Int);
        QTest::newRow("small-unsigned-is-int") << Value(quint64(5)) << int(Value::Kind::Int);
        QTest::newRow("big-unsigned") << Value(quint64(18446744073709551615ull)) << int(Value::Kind::UInt);
        QTest::newRow("double") << Value(1.5) << int(Value::Kind::Double);
        QTest::newRow("string") << Value(QStringLiteral("x")) << int(Value::Kind::String);
        QTest::newRow("bytes") << Value::bytes(QByteArray("\x00\x01", 2)) << int(Value::Kind::Bytes);
        QTest::newRow("list") << Value(List{1, 2}) << int(Value::Kind::List);
        QTest::newRow("dict") << Value(Dict{{QStringLiteral("a"), 1}}) << int(Value::Kind::Dict);
    }
    void kinds()
    {
        QFETCH(Value, value);
        QFETCH(int, kind);
        QCOMPARE(int(value.kind()), kind);
    }
    void equality()
    {
        QCOMPARE(Value(quint64(7)), Value(7));
        QVERIFY(Value(1) != Value(1.0)); // integer and double stay distinct
        QVERIFY(Value(QStringLiteral("a")) != Value::bytes("a"));
        QCOMPARE(Value(Dict{{QStringLiteral("k"), List{1, Value()}}}), Value(Dict{{QStringLiteral("k"), List{1, Value()}}}));
    }
    void accessors()
    {
        const Value d(Dict{{QStringLiteral("n"), 9007199254740992LL}});
        QCOMPARE(*d[QStringLiteral("n")].toInt64(), 9007199254740992LL);
        QVERIFY(d[QStringLiteral("missing")].isNull());
        QVERIFY(!Value(-1).toUInt64().has_value());
        QCOMPARE(Value(quint64(18446744073709551615ull)).toUInt64().value(), 18446744073709551615ull);
        QVERIFY(!Value(quint64(18446744073709551615ull)).toInt64().has_value());
    }
    void debugString()
    {
        const Value v(List{1, 2.5, QStringLiteral("a\"b"), Value::bytes("\x0a\xff"), Value(), Dict{{QStringLiteral("k"), true}}});
        const QString expected = QString::fromUtf8("[1,2.5,\"a\\\"b\",\"\\u0000Cv8=\",null,{\"k\":true}]");
        QCOMPARE(v.toDebugString(), expected);
    }
};

QTEST_APPLESS_MAIN(TstValue)
#include "tst_value.moc"
