// SPDX-License-Identifier: GPL-3.0-or-later
// The shared client options of wampscope-cli in-process (wb_cli): what --profile puts into the connect and session
// options, field by field, and which explicit flag wins over which profile field (TLS trust included, which the
// process tests cannot reach without a certificate).

#include "fakes/testutil.h"
#include "cli/clientoptions.h"
#include "cli/output.h"
#include "settings/connectionprofile.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using wb::cli::ClientCommon;
using wb::settings::ConnectionProfile;

namespace {
using wb::testing::s;
const QByteArray kPin = QByteArray::fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
const QString kOtherPin = QString(64, u'e');
} // namespace

class TstCliOptions : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    /// parseClientCommon() over `wampscope-cli call a.b ARGS`; the exit code it returns.
    static int parse(const QStringList &args, ClientCommon &c)
    {
        QCommandLineParser p;
        wb::cli::addClientOptions(p);
        p.addPositionalArgument(s("call"), s("The command."));
        if (!p.parse(QStringList{s("wampscope-cli"), s("call"), s("a.b")} + args))
            return -1;
        return wb::cli::parseClientCommon(p, c);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString file = m_dir.filePath(s("settings.ini"));
        qputenv("WAMPSCOPE_SETTINGS", file.toUtf8());
        qputenv("WAMPSCOPE_SECRET", "from-the-environment");
        ConnectionProfile tls;
        tls.id = s("tls-id");
        tls.name = s("TLS lab");
        tls.url = QUrl(s("wss://lab.example:8443/ws"));
        tls.realm = s("lab");
        tls.serializer = s("cbor");
        tls.authMethod = s("ticket");
        tls.authid = s("joe");
        tls.authrole = s("operator");
        QFile ca(m_dir.filePath(s("ca.pem"))); // a profile's CA file must exist (ConnectionProfile::validate)
        QVERIFY(ca.open(QIODevice::WriteOnly));
        ca.close();
        tls.tlsCaFile = ca.fileName();
        tls.tlsInsecure = true;
        tls.tlsPinSha256 = QString::fromLatin1(kPin.toHex());
        ConnectionProfile device;
        device.id = s("device-id");
        device.name = s("Device");
        device.url = QUrl(s("rs://127.0.0.1:8081"));
        device.authMethod = s("cryptosign");
        QSettings settings(file, QSettings::IniFormat);
        wb::settings::ProfileStore(&settings).save({tls, device});
    }

    void withoutProfile()
    {
        ClientCommon c;
        QCOMPARE(parse({}, c), int(wb::cli::ExitOk));
        QCOMPARE(c.connect.url, QUrl(s("ws://127.0.0.1:8080/ws")));
        QCOMPARE(c.session.realm, s("realm1"));
        QCOMPARE(c.session.auth.method, s("anonymous"));
        QVERIFY(c.connect.tls.caFile.isEmpty());
        QVERIFY(!c.connect.tls.acceptAnyCertificate);
        QVERIFY(c.connect.tls.pinnedSha256.isEmpty());
    }

    void everyFieldFromTheProfile()
    {
        ClientCommon c;
        QCOMPARE(parse({s("--profile"), s("TLS lab")}, c), int(wb::cli::ExitOk));
        QCOMPARE(c.connect.url, QUrl(s("wss://lab.example:8443/ws")));
        QCOMPARE(c.connect.serializer, wb::codec::SerializerId::Cbor);
        QCOMPARE(c.connect.tls.caFile, m_dir.filePath(s("ca.pem")));
        QVERIFY(c.connect.tls.acceptAnyCertificate);
        QCOMPARE(c.connect.tls.pinnedSha256, kPin);
        QCOMPARE(c.session.realm, s("lab"));
        QCOMPARE(c.session.auth.method, s("ticket"));
        QCOMPARE(c.session.auth.authid, s("joe"));
        QCOMPARE(c.session.auth.authrole, s("operator"));
        QCOMPARE(c.session.auth.secret, s("from-the-environment"));
        ClientCommon byId;
        QCOMPARE(parse({s("--profile"), s("tls-id")}, byId), int(wb::cli::ExitOk));
        QCOMPARE(byId.connect.url, c.connect.url);
    }

    void flagsWin()
    {
        ClientCommon c;
        QCOMPARE(parse({s("--profile"), s("TLS lab"), s("--url"), s("rss://other.example:9443"), s("--ca-file"), s("/tmp/ca2.pem"),
                        s("--pin-sha256"), kOtherPin, s("--serializer"), s("msgpack"), s("--realm"), s("lab.admin"),
                        s("--authid"), s("ann"), s("--secret"), s("from-the-flag")},
                       c),
                 int(wb::cli::ExitOk));
        QCOMPARE(c.connect.url, QUrl(s("rss://other.example:9443")));
        QCOMPARE(c.connect.serializer, wb::codec::SerializerId::MsgPack);
        QCOMPARE(c.connect.tls.caFile, s("/tmp/ca2.pem"));
        QVERIFY(c.connect.tls.acceptAnyCertificate); // not overridden: still the profile's
        QCOMPARE(c.connect.tls.pinnedSha256, QByteArray::fromHex(kOtherPin.toLatin1()));
        QCOMPARE(c.session.realm, s("lab.admin"));
        QCOMPARE(c.session.auth.method, s("ticket"));
        QCOMPARE(c.session.auth.authid, s("ann"));
        QCOMPARE(c.session.auth.secret, s("from-the-flag"));
    }

    /// The profile's TLS trust is for TLS URLs: a plain --url drops it instead of failing.
    void tlsOnlyForTlsUrls()
    {
        ClientCommon c;
        QCOMPARE(parse({s("--profile"), s("TLS lab"), s("--url"), s("ws://127.0.0.1:8080/ws"), s("--authmethod"), s("anonymous")}, c),
                 int(wb::cli::ExitOk));
        QVERIFY(c.connect.tls.caFile.isEmpty());
        QVERIFY(!c.connect.tls.acceptAnyCertificate);
        QVERIFY(c.connect.tls.pinnedSha256.isEmpty());
        QCOMPARE(c.session.auth.method, s("anonymous"));
    }

    void cryptosignKeyFromTheEnvironment()
    {
        const QByteArray seed(32, '\x07');
        qputenv("WAMPSCOPE_SECRET", seed.toHex());
        ClientCommon c;
        const int rc = parse({s("--profile"), s("Device")}, c);
        qputenv("WAMPSCOPE_SECRET", "from-the-environment");
        QCOMPARE(rc, int(wb::cli::ExitOk));
        QCOMPARE(c.connect.url, QUrl(s("rs://127.0.0.1:8081")));
        QCOMPARE(c.session.auth.method, s("cryptosign"));
        QCOMPARE(c.session.auth.privateKey, seed);
    }

    void unknownProfileIsAUsageError()
    {
        ClientCommon c;
        QCOMPARE(parse({s("--profile"), s("nope")}, c), int(wb::cli::ExitUsage));
    }
};

QTEST_GUILESS_MAIN(TstCliOptions)
#include "tst_cli_options.moc"
