// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope-cli --profile NAME and `profiles` (README "Command line"): the window's saved profiles, read from a
// settings file of the test's own (WAMPSCOPE_SETTINGS, so the user's settings are never touched), the secret
// from WAMPSCOPE_SECRET (the test machine has no keychain), against a `wampscope-cli router` with a ticket user.

#include "fakes/testutil.h"
#include "fakes/cliprocess.h"
#include "settings/connectionprofile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using wb::settings::ConnectionProfile;
using wb::test::CliProcess;

namespace {
using wb::testing::s;

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &l : out.trimmed().split('\n'))
        if (!l.isEmpty())
            lines.append(QJsonDocument::fromJson(l).object());
    return lines;
}

const QString kTicketId = s("0c9a7c1e-5d43-4b7e-9d6f-1f2e3a4b5c6d");
const QString kSecret = s("tic-ket-42");
} // namespace

class TstCliProfile : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    wb::test::CliRouter m_router;

    static int run(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr,
                   const QString &secret = QString())
    {
        return CliProcess::run(args, out, err, secret);
    }

    void writeProfiles(const QList<ConnectionProfile> &profiles)
    {
        QSettings settings(m_dir.filePath(s("settings.ini")), QSettings::IniFormat);
        wb::settings::ProfileStore(&settings).save(profiles);
        settings.sync();
        QCOMPARE(settings.status(), QSettings::NoError);
    }

private slots:
    void initTestCase()
    {
        CliProcess::setProgram(QStringLiteral(WAMPSCOPE_CLI_PATH));
        QVERIFY(QFile::exists(CliProcess::program()));
        QVERIFY(m_dir.isValid());
        // Every wampscope-cli this test starts inherits it.
        qputenv("WAMPSCOPE_SETTINGS", m_dir.filePath(s("settings.ini")).toUtf8());
        qunsetenv("WAMPSCOPE_SECRET");

        const QJsonObject joe{{s("authid"), s("joe")}, {s("authmethod"), s("ticket")}, {s("secret"), kSecret},
                              {s("authrole"), s("operator")}};
        const QJsonObject cfg{{s("realms"), QJsonArray{QJsonObject{{s("name"), s("secure")}, {s("allow_anonymous"), false}},
                                                       QJsonObject{{s("name"), s("realm1")}}}},
                              {s("users"), QJsonArray{joe}}};
        QFile cf(m_dir.filePath(s("router.json")));
        QVERIFY(cf.open(QIODevice::WriteOnly));
        cf.write(QJsonDocument(cfg).toJson());
        cf.close();
        QVERIFY2(wb::test::startCliRouter(m_router, {s("--config"), cf.fileName(), s("--listen"), s("ws://127.0.0.1:0/ws")}),
                 m_router.process.err.constData());

        ConnectionProfile ticket;
        ticket.id = kTicketId;
        ticket.name = s("Ticket lab");
        ticket.url = QUrl(m_router.ws);
        ticket.realm = s("secure");
        ticket.serializer = s("msgpack");
        ticket.authMethod = s("ticket");
        ticket.authid = s("joe");
        ConnectionProfile anon;
        anon.id = ConnectionProfile::newId();
        anon.name = s("Anonymous");
        anon.url = QUrl(m_router.ws);
        ConnectionProfile twinA = anon, twinB = anon;
        twinA.id = ConnectionProfile::newId();
        twinB.id = ConnectionProfile::newId();
        twinA.name = twinB.name = s("Twin");
        ConnectionProfile memoryOnly = ticket;
        memoryOnly.id = ConnectionProfile::newId();
        memoryOnly.name = s("Memory only");
        memoryOnly.secretStorage = ConnectionProfile::SecretStorage::SessionOnly;
        writeProfiles({ticket, anon, twinA, twinB, memoryOnly});
    }

    void cleanupTestCase()
    {
        m_router.process.terminate();
        QCOMPARE(m_router.process.finish(), 0);
    }

    void listProfiles()
    {
        QByteArray out;
        QCOMPARE(run({s("profiles")}, &out), 0);
        const QList<QJsonObject> lines = jsonLines(out);
        QCOMPARE(lines.size(), 5);
        const QJsonObject first = lines.first();
        QCOMPARE(first.keys(), (QStringList{s("authmethod"), s("id"), s("name"), s("realm"), s("url")}));
        QCOMPARE(first.value(s("name")).toString(), s("Ticket lab"));
        QCOMPARE(first.value(s("id")).toString(), kTicketId);
        QCOMPARE(first.value(s("url")).toString(), m_router.ws);
        QCOMPARE(first.value(s("realm")).toString(), s("secure"));
        QCOMPARE(first.value(s("authmethod")).toString(), s("ticket"));
        QCOMPARE(lines.at(1).value(s("authmethod")).toString(), s("anonymous"));
    }

    /// Everything but the secret comes from the profile: URL, realm, serializer, auth method and authid.
    void callAndRegisterWithProfile()
    {
        CliProcess callee;
        callee.start({s("register"), s("com.profile.echo"), s("--echo"), s("--count"), s("1"), s("--profile"), s("Ticket lab")},
                     kSecret);
        QVERIFY2(callee.waitErr("registered "), callee.err.constData());
        QVERIFY2(m_router.process.waitOut("joined realm secure as joe (role operator, ticket) via websocket/msgpack"),
                 m_router.process.out.constData());
        QByteArray out, err;
        QCOMPARE(run({s("call"), s("com.profile.echo"), s("7"), s("--profile"), kTicketId}, &out, &err, kSecret), 0);
        QCOMPARE(QJsonDocument(jsonLines(out).last()).toJson(QJsonDocument::Compact), QByteArray("{\"args\":[7],\"kwargs\":{}}"));
        QCOMPARE(callee.finish(), 0);
    }

    /// Options given next to --profile win over its fields.
    void flagsOverrideProfile()
    {
        QByteArray out, err;
        // The ticket profile's realm refuses anonymous sessions; with --realm and --authmethod overridden it joins
        // realm1 anonymously and reaches the dealer (no such procedure: exit 1), with no secret anywhere.
        QCOMPARE(run({s("call"), s("com.profile.nobody"), s("--profile"), s("Ticket lab"), s("--realm"), s("realm1"),
                      s("--authmethod"), s("anonymous"), s("--serializer"), s("cbor")},
                     &out, &err),
                 1);
        QCOMPARE(jsonLines(out).last().value(s("error")).toString(), s("wamp.error.no_such_procedure"));
        QVERIFY2(m_router.process.waitOut("joined realm realm1 as "), m_router.process.out.constData());
        QVERIFY(m_router.process.out.contains("/cbor from"));
        // --url wins too: a closed port, connection failure.
        QCOMPARE(run({s("call"), s("x.y"), s("--profile"), s("Anonymous"), s("--url"), s("ws://127.0.0.1:1/ws"),
                      s("--connect-timeout"), s("3")},
                     nullptr, &err),
                 3);
        QVERIFY2(err.contains("127.0.0.1:1"), err.constData());
    }

    void wrongSecret()
    {
        QByteArray err;
        QCOMPARE(run({s("call"), s("x.y"), s("--profile"), s("Ticket lab")}, nullptr, &err, s("not-the-ticket")), 3);
        QVERIFY2(err.contains("wamp.error.authentication_denied"), err.constData());
        QCOMPARE(run({s("call"), s("x.y"), s("--profile"), s("Ticket lab"), s("--secret"), s("also-wrong")}, nullptr, &err,
                     kSecret),
                 3); // --secret beats WAMPSCOPE_SECRET
    }

    void unknownProfile()
    {
        QByteArray out, err;
        QCOMPARE(run({s("call"), s("x.y"), s("--profile"), s("Nowhere")}, &out, &err), 2);
        QVERIFY(out.isEmpty());
        QVERIFY2(err.contains("unknown profile 'Nowhere'"), err.constData());
        for (const char *name : {"'Ticket lab'", "'Anonymous'", "'Twin'", "'Memory only'"})
            QVERIFY2(err.contains(name), err.constData());
    }

    void ambiguousName()
    {
        QByteArray err;
        QCOMPARE(run({s("publish"), s("x.y"), s("--profile"), s("Twin")}, nullptr, &err), 2);
        QVERIFY2(err.contains("2 profiles are named 'Twin'"), err.constData());
    }

    /// Without WAMPSCOPE_SECRET or --secret the CLI asks the keychain; on this machine there is none.
    void secretNeitherGivenNorInKeychain()
    {
        QByteArray err;
        QCOMPARE(run({s("call"), s("x.y"), s("--profile"), s("Ticket lab")}, nullptr, &err), 2);
        QVERIFY2(err.contains("no keychain available: set WAMPSCOPE_SECRET") || err.contains("no secret in the keychain"),
                 err.constData());
        QCOMPARE(run({s("call"), s("x.y"), s("--profile"), s("Memory only")}, nullptr, &err), 2);
        QVERIFY2(err.contains("in the window's memory only: set WAMPSCOPE_SECRET"), err.constData());
    }

    void noProfilesSaved()
    {
        QTemporaryDir empty;
        CliProcess p;
        p.setEnv(s("WAMPSCOPE_SETTINGS"), empty.filePath(s("none.ini")));
        p.start({s("profiles")});
        QCOMPARE(p.finish(), 0);
        QVERIFY(p.out.isEmpty());
        QVERIFY2(p.err.contains("no saved profiles in "), p.err.constData());
    }
};

QTEST_GUILESS_MAIN(TstCliProfile)
#include "tst_cli_profile.moc"
