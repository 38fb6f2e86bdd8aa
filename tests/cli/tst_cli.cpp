// SPDX-License-Identifier: GPL-3.0-or-later
// The wampscope-cli contract (README "Command line"): output formats, exit codes, router log lines.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {
QString s(const char *t) { return QString::fromUtf8(t); }
const QString kCli = QStringLiteral(WAMPSCOPE_CLI_PATH);

struct Proc
{
    std::unique_ptr<QProcess> p = std::make_unique<QProcess>();
    QByteArray out, err;
    void start(const QStringList &args, const QString &secret = QString())
    {
        if (!secret.isEmpty()) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("WAMPSCOPE_SECRET"), secret);
            p->setProcessEnvironment(env);
        }
        QObject::connect(p.get(), &QProcess::readyReadStandardOutput, p.get(), [this] { out += p->readAllStandardOutput(); });
        QObject::connect(p.get(), &QProcess::readyReadStandardError, p.get(), [this] { err += p->readAllStandardError(); });
        p->start(kCli, args);
    }
    bool waitErr(const QByteArray &needle, int ms = 10000)
    {
        return QTest::qWaitFor([&] { return err.contains(needle) || p->state() == QProcess::NotRunning; }, ms)
               && err.contains(needle);
    }
    bool waitOut(const QByteArray &needle, int ms = 10000)
    {
        return QTest::qWaitFor([&] { return out.contains(needle) || p->state() == QProcess::NotRunning; }, ms)
               && out.contains(needle);
    }
    int finish(int ms = 15000)
    {
        if (!QTest::qWaitFor([&] { return p->state() == QProcess::NotRunning; }, ms)) {
            p->kill();
            p->waitForFinished(2000);
            return -1;
        }
        out += p->readAllStandardOutput();
        err += p->readAllStandardError();
        return p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -2;
    }
    ~Proc()
    {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(2000);
        }
    }
};

QJsonObject lastJsonLine(const QByteArray &out)
{
    const QList<QByteArray> lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}
} // namespace

class TstCli : public QObject
{
    Q_OBJECT
private:
    Proc m_router;
    QString m_ws, m_rs;

    QStringList client(const QString &url, QStringList more) { return more + QStringList{s("--url"), url}; }

    int run(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr, const QString &secret = QString())
    {
        Proc p;
        p.start(args, secret);
        const int rc = p.finish();
        if (out)
            *out = p.out;
        if (err)
            *err = p.err;
        return rc;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(QFile::exists(kCli));
        m_router.start({s("router"), s("--listen"), s("ws://127.0.0.1:0/ws"), s("--listen"), s("rs://127.0.0.1:0")});
        QVERIFY2(QTest::qWaitFor([&] { return m_router.out.count("listening on") >= 2; }, 10000), m_router.err.constData());
        const QRegularExpression re(s("listening on ((ws|rs)://[^\\s]+)"));
        auto it = re.globalMatch(QString::fromUtf8(m_router.out));
        while (it.hasNext()) {
            const auto m = it.next();
            (m.captured(2) == u"ws" ? m_ws : m_rs) = m.captured(1);
        }
        QVERIFY(m_ws.contains(s(":")) && !m_ws.endsWith(s(":0/ws")));
        QVERIFY(!m_rs.isEmpty());
    }

    void cleanupTestCase()
    {
        m_router.p->terminate(); // SIGTERM: graceful stop
        QCOMPARE(m_router.finish(), 0);
    }

    void help()
    {
        QByteArray out;
        QCOMPARE(run({s("--help")}, &out), 0);
        QVERIFY(out.contains("subscribe"));
        QCOMPARE(run({s("call"), s("--help")}, &out), 0);
        QVERIFY(out.contains("--kwarg"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no-command") << QStringList{};
        QTest::newRow("unknown-command") << QStringList{s("frobnicate")};
        QTest::newRow("call-without-procedure") << QStringList{s("call")};
        QTest::newRow("bad-serializer") << QStringList{s("call"), s("a.b"), s("--serializer"), s("xml")};
        QTest::newRow("bad-uri") << QStringList{s("call"), s("a..b")};
        QTest::newRow("register-no-mode") << QStringList{s("register"), s("a.b")};
        QTest::newRow("register-bad-result") << QStringList{s("register"), s("a.b"), s("--result"), s("{oops")};
        QTest::newRow("bad-kwarg") << QStringList{s("call"), s("a.b"), s("--kwarg"), s("novalue")};
        QTest::newRow("meta-without-what") << QStringList{s("meta")};
        QTest::newRow("meta-bogus") << QStringList{s("meta"), s("bogus")};
        QTest::newRow("sessions-extra-arg") << QStringList{s("sessions"), s("extra")};
        QTest::newRow("kill-not-a-number") << QStringList{s("kill"), s("abc")};
        QTest::newRow("kill-zero") << QStringList{s("kill"), s("0")};
        QTest::newRow("kill-bad-reason") << QStringList{s("kill"), s("12"), s("--reason"), s("not a uri")};
        QTest::newRow("ticket-without-secret") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("ticket"), s("--authid"), s("x")};
        QTest::newRow("cryptosign-without-key") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("cryptosign")};
        QTest::newRow("cryptosign-short-key") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("cryptosign"), s("--private-key"), s("abcd")};
        QTest::newRow("cryptosign-missing-key-file") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("cryptosign"), s("--private-key-file"), s("/nonexistent/k")};
        QTest::newRow("private-key-without-cryptosign") << QStringList{s("call"), s("a.b"), s("--private-key"), QString(64, u'a')};
        QTest::newRow("scram-without-authid") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("scram"), s("--secret"), s("x")};
        QTest::newRow("keygen-extra-arg") << QStringList{s("keygen"), s("now")};
        QTest::newRow("scram-hash-bad-kdf") << QStringList{s("scram-hash"), s("pw"), s("--kdf"), s("md5")};
        QTest::newRow("scram-hash-memory-pbkdf2") << QStringList{s("scram-hash"), s("pw"), s("--kdf"), s("pbkdf2"), s("--memory"), s("64")};
        QTest::newRow("scram-hash-bad-salt") << QStringList{s("scram-hash"), s("pw"), s("--salt"), s("c2FsdA==")};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QByteArray err;
        QCOMPARE(run(args, nullptr, &err), 2);
        QVERIFY(!err.isEmpty());
    }

    void connectionRefused()
    {
        QTcpSocket probe; // find a closed port: bind nothing, use port 1 on loopback
        QByteArray err;
        QCOMPARE(run({s("call"), s("a.b"), s("--url"), s("ws://127.0.0.1:1/ws"), s("--connect-timeout"), s("3")}, nullptr, &err), 3);
        QVERIFY(!err.isEmpty());
    }

    void registerAndCall_data()
    {
        QTest::addColumn<QString>("serializer");
        QTest::addColumn<bool>("rawsocket");
        QTest::newRow("ws-json") << s("json") << false;
        QTest::newRow("ws-msgpack") << s("msgpack") << false;
        QTest::newRow("rs-cbor") << s("cbor") << true;
    }
    void registerAndCall()
    {
        QFETCH(QString, serializer);
        QFETCH(bool, rawsocket);
        const QString url = rawsocket ? m_rs : m_ws;
        const QString proc = s("com.example.echo_") + serializer;
        Proc callee;
        callee.start(client(url, {s("register"), proc, s("--echo"), s("--count"), s("1"), s("--serializer"), serializer}));
        QVERIFY2(callee.waitErr("registered "), callee.err.constData());
        QByteArray out;
        QCOMPARE(run(client(url, {s("call"), proc, s("1"), s("two"), s("{\"x\":3}"), s("9007199254740992"), s("--kwarg"),
                                  s("k=v"), s("--kwarg"), s("n=[1,2]"), s("--serializer"), serializer}),
                     &out),
                 0);
        const QJsonObject r = lastJsonLine(out);
        QCOMPARE(QJsonDocument(r).toJson(QJsonDocument::Compact),
                 QByteArray("{\"args\":[1,\"two\",{\"x\":3},9007199254740992],\"kwargs\":{\"k\":\"v\",\"n\":[1,2]}}"));
        QCOMPARE(callee.finish(), 0);
        QVERIFY(callee.out.contains("\"procedure\":\"com.example.echo_"));
    }

    void staticResultAndError()
    {
        Proc res;
        res.start(client(m_ws, {s("register"), s("com.example.answer"), s("--result"), s("[42]"), s("--result-kwargs"),
                                s("{\"unit\":\"none\"}"), s("--count"), s("1")}));
        QVERIFY(res.waitErr("registered "));
        QByteArray out;
        QCOMPARE(run(client(m_ws, {s("call"), s("com.example.answer")}), &out), 0);
        QCOMPARE(out.trimmed(), QByteArray("{\"args\":[42],\"kwargs\":{\"unit\":\"none\"}}"));
        QCOMPARE(res.finish(), 0);

        Proc fail;
        fail.start(client(m_ws, {s("register"), s("com.example.fails"), s("--error"), s("com.example.error.nope"),
                                 s("--error-args"), s("[\"bad\"]"), s("--error-kwargs"), s("{\"code\":7}"), s("--count"), s("1")}));
        QVERIFY(fail.waitErr("registered "));
        QByteArray err;
        QCOMPARE(run(client(m_ws, {s("call"), s("com.example.fails")}), &out, &err), 1);
        const QJsonObject e = lastJsonLine(out);
        QCOMPARE(e.value(s("error")).toString(), s("com.example.error.nope"));
        QCOMPARE(QJsonDocument(e).toJson(QJsonDocument::Compact),
                 QByteArray("{\"args\":[\"bad\"],\"error\":\"com.example.error.nope\",\"kwargs\":{\"code\":7}}"));
        QVERIFY(err.contains("com.example.error.nope"));
        QCOMPARE(fail.finish(), 0);
    }

    void noSuchProcedure()
    {
        QByteArray out;
        QCOMPARE(run(client(m_rs, {s("call"), s("com.example.nobody")}), &out), 1);
        QCOMPARE(lastJsonLine(out).value(s("error")).toString(), s("wamp.error.no_such_procedure"));
    }

    void subscribeAndPublish()
    {
        Proc sub;
        sub.start(client(m_ws, {s("subscribe"), s("com.example.news"), s("--count"), s("2"), s("--timeout"), s("20")}));
        QVERIFY2(sub.waitErr("subscribed "), sub.err.constData());
        QByteArray out;
        QCOMPARE(run(client(m_rs, {s("publish"), s("com.example.news"), s("hello"), s("--kwarg"), s("n=1")})), 0);
        QCOMPARE(run(client(m_ws, {s("publish"), s("com.example.news"), s("[1,2]"), s("--acknowledge"), s("--serializer"),
                                   s("cbor")}),
                     &out),
                 0);
        QVERIFY(lastJsonLine(out).value(s("publication")).toDouble() > 0);
        QCOMPARE(sub.finish(), 0);
        const QList<QByteArray> lines = sub.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(QJsonDocument::fromJson(lines.at(0)).object().value(s("args")).toArray().at(0).toString(), s("hello"));
        QCOMPARE(QJsonDocument::fromJson(lines.at(0)).object().value(s("kwargs")).toObject().value(s("n")).toInt(), 1);
        QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(s("args")).toArray().at(0).toArray().size(), 2);
    }

    void subscribeTimeout()
    {
        QByteArray err;
        QCOMPARE(run(client(m_ws, {s("subscribe"), s("com.example.silence"), s("--count"), s("1"), s("--timeout"), s("0.5")}),
                     nullptr, &err),
                 4);
        QVERIFY(err.contains("timeout"));
    }

    void patternSubscription()
    {
        Proc sub;
        sub.start(client(m_ws, {s("subscribe"), s("com.example.sensors"), s("--match"), s("prefix"), s("--count"), s("1")}));
        QVERIFY(sub.waitErr("subscribed "));
        QCOMPARE(run(client(m_ws, {s("publish"), s("com.example.sensors.t1"), s("21.5")})), 0);
        QCOMPARE(sub.finish(), 0);
        const QJsonObject ev = lastJsonLine(sub.out);
        QCOMPARE(ev.value(s("details")).toObject().value(s("topic")).toString(), s("com.example.sensors.t1"));
        QCOMPARE(ev.value(s("args")).toArray().at(0).toDouble(), 21.5);
    }

    void metaCommands()
    {
        Proc callee;
        callee.start(client(m_ws, {s("register"), s("com.example.metacli"), s("--echo"), s("--count"), s("1")}));
        QVERIFY2(callee.waitErr("registered "), callee.err.constData());
        Proc sub;
        sub.start(client(m_rs, {s("subscribe"), s("com.example.metacli.topic"), s("--timeout"), s("30")}));
        QVERIFY2(sub.waitErr("subscribed "), sub.err.constData());

        QByteArray out;
        QCOMPARE(run(client(m_ws, {s("meta"), s("registrations")}), &out), 0);
        QJsonObject reg;
        for (const QByteArray &line : out.trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(s("uri")).toString() == u"com.example.metacli")
                reg = o;
        }
        QCOMPARE(reg.value(s("match")).toString(), s("exact"));
        QCOMPARE(reg.value(s("invoke")).toString(), s("single"));
        QCOMPARE(reg.value(s("callees")).toArray().size(), 1);

        QCOMPARE(run(client(m_rs, {s("meta"), s("subscriptions"), s("--serializer"), s("msgpack")}), &out), 0);
        QJsonObject subscription;
        for (const QByteArray &line : out.trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(s("uri")).toString() == u"com.example.metacli.topic")
                subscription = o;
        }
        QCOMPARE(subscription.value(s("subscribers")).toArray().size(), 1);
        const qint64 subscriberId = subscription.value(s("subscribers")).toArray().at(0).toInteger();
        QVERIFY(subscriberId > 0);

        // `sessions`: the two above plus the listing session itself, one JSON line each
        QCOMPARE(run(client(m_ws, {s("sessions")}), &out), 0);
        QList<qint64> ids;
        for (const QByteArray &line : out.trimmed().split('\n'))
            ids.append(QJsonDocument::fromJson(line).object().value(s("session")).toInteger());
        QVERIFY2(ids.size() >= 3 && ids.contains(subscriberId), out.constData());

        // kill the subscriber: it exits 3 with the reason; a second kill is a WAMP error
        const QString id = QString::number(subscriberId);
        QCOMPARE(run(client(m_ws, {s("kill"), id, s("--reason"), s("com.example.kicked"), s("--message"), s("bye")}), &out), 0);
        QCOMPARE(lastJsonLine(out).value(s("killed")).toInteger(), subscriberId);
        QCOMPARE(sub.finish(), 3);
        QVERIFY2(sub.err.contains("com.example.kicked"), sub.err.constData());
        QCOMPARE(run(client(m_ws, {s("kill"), id}), &out), 1);
        QCOMPARE(lastJsonLine(out).value(s("error")).toString(), s("wamp.error.no_such_session"));

        QCOMPARE(run(client(m_ws, {s("call"), s("com.example.metacli")})), 0); // lets the callee finish
        QCOMPARE(callee.finish(), 0);
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

        Proc router;
        router.start({s("router"), s("--config"), cfgPath, s("--listen"), s("ws://127.0.0.1:0/ws")});
        QVERIFY2(router.waitOut("listening on "), router.err.constData());
        const QString url = QRegularExpression(s("listening on (ws://\\S+)")).match(QString::fromUtf8(router.out)).captured(1);
        QVERIFY(!url.isEmpty());
        auto opts = [&](QStringList more) { return more + QStringList{s("--url"), url, s("--realm"), s("secure")}; };

        Proc callee;
        callee.start(opts({s("register"), s("com.example.secure.echo"), s("--echo"), s("--count"), s("2"), s("--authmethod"),
                           s("cryptosign"), s("--private-key-file"), keyFile}));
        QVERIFY2(callee.waitErr("registered "), callee.err.constData());
        QVERIFY(router.waitOut("as device7 (role device, cryptosign)"));

        // cryptosign with a hex key (no authid: the router finds the user by key) and SCRAM with a password.
        QCOMPARE(run(opts({s("call"), s("com.example.secure.echo"), s("1"), s("--authmethod"), s("cryptosign"),
                           s("--private-key"), hexKey}), &out), 0);
        QCOMPARE(QJsonDocument(lastJsonLine(out)).toJson(QJsonDocument::Compact), QByteArray("{\"args\":[1],\"kwargs\":{}}"));
        QCOMPARE(run(opts({s("call"), s("com.example.secure.echo"), s("2"), s("--authmethod"), s("scram"), s("--authid"),
                           s("dave")}), &out, nullptr, s("correct horse")),
                 0);
        QCOMPARE(QJsonDocument(lastJsonLine(out)).toJson(QJsonDocument::Compact), QByteArray("{\"args\":[2],\"kwargs\":{}}"));
        QCOMPARE(callee.finish(), 0);
        QVERIFY(router.waitOut("as dave (role user, scram)"));

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

        router.p->terminate();
        QCOMPARE(router.finish(), 0);
    }

    void routerLogsJoinAndLeave()
    {
        QVERIFY(m_router.waitOut("joined realm realm1"));
        QVERIFY(m_router.waitOut(" left realm realm1"));
    }

    void routerSurvivesGarbage()
    {
        // Raw garbage at the RawSocket port and at the WebSocket port, then a normal call still works.
        const QUrl rs(m_rs), ws(m_ws);
        for (const QUrl &u : {rs, ws}) {
            QTcpSocket sock;
            sock.connectToHost(u.host(), quint16(u.port()));
            QVERIFY(sock.waitForConnected(5000));
            sock.write(QByteArray(64, '\xAB'));
            sock.flush();
            QTRY_COMPARE_WITH_TIMEOUT(sock.state(), QAbstractSocket::UnconnectedState, 15000);
        }
        QByteArray out;
        QCOMPARE(run(client(m_rs, {s("call"), s("com.example.nobody")}), &out), 1);
        QCOMPARE(lastJsonLine(out).value(s("error")).toString(), s("wamp.error.no_such_procedure"));
    }
};

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
