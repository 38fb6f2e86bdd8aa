// SPDX-License-Identifier: GPL-3.0-or-later
// The wampscope-cli credentials (README "Command line"): keygen, scram-hash, and cryptosign/SCRAM logins of the
// client commands against a `wampscope-cli router` configured with those users.

#include "fakes/testutil.h"
#include "fakes/cliprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using wb::test::CliProcess;

namespace {
using wb::testing::s;

QJsonObject lastJsonLine(const QByteArray &out)
{
    const QList<QByteArray> lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

int run(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr, const QString &secret = QString())
{
    return CliProcess::run(args, out, err, secret);
}
} // namespace

class TstCliAuth : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        CliProcess::setProgram(QStringLiteral(WAMPSCOPE_CLI_PATH));
        QVERIFY(QFile::exists(CliProcess::program()));
    }

    void keygen()
    {
        QByteArray out;
        QCOMPARE(run({s("keygen")}, &out), 0);
        const QJsonObject k = lastJsonLine(out);
        const QRegularExpression hex64(s("^[0-9a-f]{64}$"));
        QVERIFY(hex64.match(k.value(s("private_key")).toString()).hasMatch());
        QVERIFY(hex64.match(k.value(s("public_key")).toString()).hasMatch());
        QByteArray again;
        QCOMPARE(run({s("keygen")}, &again), 0);
        QVERIFY(lastJsonLine(again).value(s("private_key")) != k.value(s("private_key")));

        QTemporaryDir dir;
        const QString file = dir.filePath(s("device.key"));
        QCOMPARE(run({s("keygen"), s("--output"), file}, &out), 0);
        const QJsonObject f = lastJsonLine(out);
        QCOMPARE(f.value(s("private_key_file")).toString(), file);
        QVERIFY(!f.contains(s("private_key"))); // the secret only goes into the file
        QCOMPARE(QFile::permissions(file) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        QFile kf(file);
        QVERIFY(kf.open(QIODevice::ReadOnly));
        const QByteArray text = kf.readAll();
        QVERIFY(text.contains(QByteArray(QByteArray("public-key-ed25519: ") + f.value(s("public_key")).toString().toLatin1())));
        QVERIFY(text.contains("private-key-ed25519: "));
        QByteArray err;
        QCOMPARE(run({s("keygen"), s("--output"), file}, nullptr, &err), 2); // never overwritten
        QVERIFY(err.contains("already exists"));
    }

    void scramHash()
    {
        QByteArray out;
        QCOMPARE(run({s("scram-hash"), s("--kdf"), s("pbkdf2"), s("--iterations"), s("4096"), s("--salt"),
                      s("W22ZaJ0SNY7soEsUEjb6gQ=="), s("--authid"), s("dave")},
                     &out, nullptr, s("pencil")),
                 0);
        // The vector of tst_scram (computed with Python's hashlib, Autobahn's algorithm).
        QCOMPARE(QJsonDocument(lastJsonLine(out)).toJson(QJsonDocument::Compact),
                 QByteArray("{\"authid\":\"dave\",\"authmethod\":\"scram\",\"iterations\":4096,\"kdf\":\"pbkdf2\","
                            "\"salt\":\"W22ZaJ0SNY7soEsUEjb6gQ==\","
                            "\"server_key\":\"c1f3cbc1c13a9d35a14c0990eed97629ea225863e566a4314ab99f3f00e5d9d5\","
                            "\"stored_key\":\"586e5df283e6dceb5c3e791d8b8528ec191e664045ce971792e2e6b5bb13e2a6\"}"));
        QCOMPARE(run({s("scram-hash"), s("pencil"), s("--iterations"), s("2"), s("--memory"), s("1024"), s("--salt"),
                      s("W22ZaJ0SNY7soEsUEjb6gQ==")}, &out), 0);
        const QJsonObject a = lastJsonLine(out);
        QCOMPARE(a.value(s("kdf")).toString(), s("argon2id-13"));
        QCOMPARE(a.value(s("memory")).toInt(), 1024);
        QCOMPARE(a.value(s("stored_key")).toString(), s("8f9df5c2e06efa834278aa711791899d0c6ba9104989c3389ec06443aadeebcc"));
        QVERIFY(!out.contains("pencil"));
    }

    /// A router configured with cryptosign and SCRAM users; the CLI clients log in with keygen's key file, a hex key,
    /// and a SCRAM password; wrong credentials exit 3 with the ABORT reason.
    void strongAuthEndToEnd()
    {
        QTemporaryDir dir;
        QByteArray out;
        const QString keyFile = dir.filePath(s("callee.key"));
        QCOMPARE(run({s("keygen"), s("--output"), keyFile}, &out), 0);
        const QString fileKeyPub = lastJsonLine(out).value(s("public_key")).toString();
        QCOMPARE(run({s("keygen")}, &out), 0);
        const QString hexKey = lastJsonLine(out).value(s("private_key")).toString();
        const QString hexKeyPub = lastJsonLine(out).value(s("public_key")).toString();
        QCOMPARE(run({s("scram-hash"), s("--kdf"), s("pbkdf2"), s("--iterations"), s("1000"), s("--authid"), s("dave")}, &out,
                     nullptr, s("correct horse")),
                 0);
        const QJsonObject dave = lastJsonLine(out);

        QJsonObject device{{s("authid"), s("device7")}, {s("authmethod"), s("cryptosign")}, {s("authrole"), s("device")},
                           {s("authorized_keys"), QJsonArray{fileKeyPub, hexKeyPub}}};
        QJsonObject carol{{s("authid"), s("carol")}, {s("authmethod"), s("scram")}, {s("secret"), s("pencil")},
                          {s("iterations"), 1}, {s("memory"), 1024}};
        QJsonObject cfg{{s("realms"), QJsonArray{QJsonObject{{s("name"), s("secure")}, {s("allow_anonymous"), false}}}},
                        {s("users"), QJsonArray{device, carol, dave}}};
        const QString cfgPath = dir.filePath(s("router.json"));
        QFile cf(cfgPath);
        QVERIFY(cf.open(QIODevice::WriteOnly));
        cf.write(QJsonDocument(cfg).toJson());
        cf.close();

        wb::test::CliRouter router;
        QVERIFY2(wb::test::startCliRouter(router, {s("--config"), cfgPath, s("--listen"), s("ws://127.0.0.1:0/ws")}),
                 router.process.err.constData());
        const QString url = router.ws;
        QVERIFY(!url.isEmpty());
        auto opts = [&](QStringList more) { return more + QStringList{s("--url"), url, s("--realm"), s("secure")}; };

        CliProcess callee;
        callee.start(opts({s("register"), s("com.example.secure.echo"), s("--echo"), s("--count"), s("2"), s("--authmethod"),
                           s("cryptosign"), s("--private-key-file"), keyFile}));
        QVERIFY2(callee.waitErr("registered "), callee.err.constData());
        QVERIFY(router.process.waitOut("as device7 (role device, cryptosign)"));

        // cryptosign with a hex key (no authid: the router finds the user by key) and SCRAM with a password.
        QCOMPARE(run(opts({s("call"), s("com.example.secure.echo"), s("1"), s("--authmethod"), s("cryptosign"),
                           s("--private-key"), hexKey}), &out), 0);
        QCOMPARE(QJsonDocument(lastJsonLine(out)).toJson(QJsonDocument::Compact), QByteArray("{\"args\":[1],\"kwargs\":{}}"));
        QCOMPARE(run(opts({s("call"), s("com.example.secure.echo"), s("2"), s("--authmethod"), s("scram"), s("--authid"),
                           s("dave")}), &out, nullptr, s("correct horse")),
                 0);
        QCOMPARE(QJsonDocument(lastJsonLine(out)).toJson(QJsonDocument::Compact), QByteArray("{\"args\":[2],\"kwargs\":{}}"));
        QCOMPARE(callee.finish(), 0);
        QVERIFY(router.process.waitOut("as dave (role user, scram)"));

        // Wrong credentials: exit 3, the ABORT reason on stderr.
        QByteArray err;
        QCOMPARE(run(opts({s("call"), s("x.y"), s("--authmethod"), s("scram"), s("--authid"), s("carol")}), nullptr, &err,
                     s("pencil?")),
                 3);
        QVERIFY2(err.contains("wamp.error.authentication_denied"), err.constData());
        // -v prints every message, but never what AUTHENTICATE carries.
        QCOMPARE(run(opts({s("call"), s("x.y"), s("-v"), s("--authmethod"), s("scram"), s("--authid"), s("carol")}), nullptr,
                     &err, s("pencil?")),
                 3);
        QVERIFY2(err.contains("-> AUTHENTICATE") && err.contains("<redacted>"), err.constData());
        QCOMPARE(run(opts({s("call"), s("x.y"), s("--authmethod"), s("cryptosign"), s("--authid"), s("device7"),
                           s("--private-key"), QString(64, u'1')}), nullptr, &err),
                 3);
        QVERIFY2(err.contains("wamp.error.authentication_denied"), err.constData());
        QCOMPARE(run(opts({s("call"), s("x.y"), s("--authmethod"), s("scram"), s("--authid"), s("nobody")}), nullptr, &err,
                     s("pencil")),
                 3);
        QVERIFY2(err.contains("wamp.error.no_such_principal"), err.constData());
        // carol's argon2id password works too
        QCOMPARE(run(opts({s("call"), s("x.y"), s("--authmethod"), s("scram"), s("--authid"), s("carol")}), &out, &err,
                     s("pencil")),
                 1);
        QCOMPARE(lastJsonLine(out).value(s("error")).toString(), s("wamp.error.no_such_procedure"));

        // A key file others can read is refused before connecting.
        QFile::setPermissions(keyFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
        QCOMPARE(run(opts({s("call"), s("x.y"), s("--authmethod"), s("cryptosign"), s("--private-key-file"), keyFile}), nullptr, &err), 2);
        QVERIFY2(err.contains("chmod 600"), err.constData());

        router.process.terminate();
        QCOMPARE(router.process.finish(), 0);
    }

};

QTEST_GUILESS_MAIN(TstCliAuth)
#include "tst_cli_auth.moc"
