// SPDX-License-Identifier: GPL-3.0-or-later
// The window's connection profiles: they persist without secrets (keychain on connect, export, import), the
// no-keychain path (keep in memory for this run, or decline), the profile dialog's validation and TLS settings,
// and a rejected TLS certificate shown in the status bar.

#include "client/connection.h"
#include "dialogs/profiledialog.h"
#include "mainwindow.h"
#include "router/routerhost.h"
#include "session/session.h"
#include "settings/secretstore.h"
#include "fakes/testcert.h"
#include "windowtest.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using client::Connection;
using settings::ConnectionProfile;
using testing::fileBytes;
using testing::startHost;

class TstWindowProfiles : public QObject
{
    Q_OBJECT

    testing::SettingsFiles m_files;

    QString freshSettingsPath() { return m_files.fresh(); }

private slots:
    void profilesPersistWithoutSecrets()
    {
        router::RouterHost r;
        QVERIFY(startHost(r).isValid());
        const QString path = freshSettingsPath();
        settings::MemorySecretStore secrets;
        QByteArray exported;
        QString id;
        {
            QSettings settings(path, QSettings::IniFormat);
            ui::MainWindowOptions o;
            o.settings = &settings;
            o.secrets = &secrets;
            o.connectOnStart = false;
            o.askSecret = [](const ConnectionProfile &) -> std::optional<QString> { return std::nullopt; };
            ui::MainWindow w(&r, o);
            ConnectionProfile p;
            p.name = QStringLiteral("Alice");
            p.url = r.snapshot().urls.first();
            p.authMethod = QStringLiteral("ticket");
            p.authid = QStringLiteral("alice");
            Connection *c = w.addProfile(p, QStringLiteral("s3cret"));
            id = c->id();
            QTRY_COMPARE(secrets.size(), 1); // the secret went to the keychain
            Connection *dup = w.duplicateProfile(c);
            QCOMPARE(dup->profile().name, QStringLiteral("Alice (copy)"));
            QVERIFY(!dup->hasSecret());
            w.removeProfile(dup);
            QCOMPARE(w.connections().size(), 2);
            exported = w.exportAllProfiles();
            w.close();
        }
        QVERIFY(!fileBytes(path).contains("s3cret"));
        QVERIFY(!exported.contains("s3cret"));
        QVERIFY(exported.contains("\"authid\": \"alice\""));

        // a restart: the profile is back, its secret comes from the keychain on connect
        QSettings settings(path, QSettings::IniFormat);
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        o.connectOnStart = false;
        int asked = 0;
        o.askSecret = [&](const ConnectionProfile &) -> std::optional<QString> {
            ++asked;
            return std::nullopt;
        };
        ui::MainWindow w(&r, o);
        Connection *c = w.connection(id);
        QVERIFY(c);
        QVERIFY(!c->hasSecret());
        w.connectTo(c);
        QTRY_COMPARE(c->state(), Connection::State::Connected);
        QCOMPARE(asked, 0);
        QCOMPARE(c->session()->welcomeDetails().value(QStringLiteral("authrole")).toString(), QStringLiteral("user"));

        // import: clashing ids get new ones; invalid files are refused with a notice
        QCOMPARE(w.importProfilesFrom(exported), 2);
        QCOMPARE(w.connections().size(), 4);
        QCOMPARE(w.importProfilesFrom("{broken"), -1);
        QVERIFY(w.notices().last().contains(QStringLiteral("Import failed")));
        QCOMPARE(w.connections().size(), 4);
    }

    void noKeychainKeepsSecretForThisRun()
    {
        router::RouterHost r;
        QVERIFY(startHost(r).isValid());
        const QString path = freshSettingsPath();
        QSettings settings(path, QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        secrets.setSimulateNoBackend(true);
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        o.connectOnStart = false;
        QString why;
        o.askKeepInMemory = [&](const ConnectionProfile &, const QString &reason) {
            why = reason;
            return true;
        };
        int asked = 0;
        o.askSecret = [&](const ConnectionProfile &) -> std::optional<QString> {
            ++asked;
            return QStringLiteral("s3cret");
        };
        ui::MainWindow w(&r, o);
        ConnectionProfile p;
        p.name = QStringLiteral("Alice");
        p.url = r.snapshot().urls.first();
        p.authMethod = QStringLiteral("ticket");
        p.authid = QStringLiteral("alice");
        Connection *c = w.addProfile(p);
        w.connectTo(c);
        QTRY_COMPARE(c->state(), Connection::State::Connected);
        QCOMPARE(asked, 1);
        QVERIFY(why.contains(QStringLiteral("No keychain")));
        QVERIFY(w.notices().last().contains(QStringLiteral("keychain is not available")));
        QCOMPARE(c->profile().secretStorage, ConnectionProfile::SecretStorage::SessionOnly);
        // reconnecting in this run does not ask again; nothing went to disk
        c->close();
        w.connectTo(c);
        QTRY_COMPARE(c->state(), Connection::State::Connected);
        QCOMPARE(asked, 1);
        settings.sync();
        QVERIFY(!fileBytes(path).contains("s3cret"));
        QVERIFY(fileBytes(path).contains("session"));

    }

    void noKeychainDeclined()
    {
        router::RouterHost r;
        QVERIFY(startHost(r).isValid());
        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        secrets.setSimulateNoBackend(true);
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        o.connectOnStart = false;
        int keepAsked = 0, secretAsked = 0;
        o.askKeepInMemory = [&](const ConnectionProfile &, const QString &) {
            ++keepAsked;
            return false;
        };
        o.askSecret = [&](const ConnectionProfile &) -> std::optional<QString> {
            ++secretAsked;
            return QStringLiteral("s3cret");
        };
        ui::MainWindow w(&r, o);
        ConnectionProfile p;
        p.name = QStringLiteral("Alice");
        p.url = r.snapshot().urls.first();
        p.authMethod = QStringLiteral("ticket");
        p.authid = QStringLiteral("alice");
        Connection *c = w.addProfile(p);
        w.connectTo(c);
        QTRY_COMPARE(keepAsked, 1);
        // barrier: whatever the declined fallback queued (secret store callbacks) has run once this marker runs
        bool barrier = false;
        QMetaObject::invokeMethod(&w, [&] { barrier = true; }, Qt::QueuedConnection);
        QTRY_VERIFY(barrier);
        QCOMPARE(secretAsked, 0);
        QCOMPARE(c->state(), Connection::State::Disconnected);
        QCOMPARE(c->profile().secretStorage, ConnectionProfile::SecretStorage::Keychain);
    }

    void profileDialogValidates()
    {
        ConnectionProfile p;
        p.name = QStringLiteral("x");
        ui::ProfileDialog d(p);
        QPushButton *ok = d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(ok->isEnabled());
        d.urlEdit()->setText(QStringLiteral("http://h:1/"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(d.problems().join(QLatin1Char(' ')).contains(QStringLiteral("not supported")));
        d.urlEdit()->setText(QStringLiteral("rs://10.0.0.1:8081"));
        QVERIFY(ok->isEnabled());
        d.nameEdit()->clear();
        QVERIFY(!ok->isEnabled());
        d.nameEdit()->setText(QStringLiteral("Edge"));
        QCOMPARE(d.profile().url, QUrl(QStringLiteral("rs://10.0.0.1:8081")));
        QCOMPARE(d.profile().name, QStringLiteral("Edge"));
        QCOMPARE(d.profile().id, p.id);
    }

    void profileDialogTls()
    {
        QTemporaryDir dir;
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        {
            QFile f(ca);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        ConnectionProfile p;
        p.name = QStringLiteral("x"); // ws:// by default
        ui::ProfileDialog d(p);
        QPushButton *ok = d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(d.tlsBox()->isHidden()); // no TLS settings for ws://
        d.urlEdit()->setText(QStringLiteral("wss://127.0.0.1:8443/ws"));
        QVERIFY(!d.tlsBox()->isHidden());
        QVERIFY(d.tlsBox()->isEnabled());
        QVERIFY(d.insecureWarning()->isHidden());
        d.insecureCheck()->setChecked(true);
        QVERIFY(!d.insecureWarning()->isHidden()); // the warning shows with the checkbox
        QVERIFY(d.insecureWarning()->text().contains(QStringLiteral("not checked")));
        d.caFileEdit()->setText(dir.filePath(QStringLiteral("missing.pem")));
        QVERIFY(!ok->isEnabled());
        QVERIFY(d.problems().join(QLatin1Char(' ')).contains(QStringLiteral("does not exist")));
        d.caFileEdit()->setText(ca);
        d.pinEdit()->setText(QStringLiteral("12:34"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(d.problems().join(QLatin1Char(' ')).contains(QStringLiteral("64 hex digits")));
        const QString pin = QStringLiteral("AB").repeated(32);
        d.pinEdit()->setText(pin);
        QVERIFY2(ok->isEnabled(), qPrintable(d.problems().join(QLatin1Char(' '))));
        ConnectionProfile out = d.profile();
        QCOMPARE(out.tlsCaFile, ca);
        QVERIFY(out.tlsInsecure);
        QCOMPARE(out.tlsPinSha256, pin);
        QCOMPARE(out.connectOptions().tls.pinnedSha256, QByteArray::fromHex(pin.toLatin1()));
        // rss:// and tcps:// also show the box; back to rs:// hides it and drops the settings
        d.urlEdit()->setText(QStringLiteral("tcps://127.0.0.1:8444"));
        QVERIFY(!d.tlsBox()->isHidden());
        d.urlEdit()->setText(QStringLiteral("rs://127.0.0.1:8081"));
        QVERIFY(d.tlsBox()->isHidden());
        QVERIFY(ok->isEnabled());
        out = d.profile();
        QVERIFY(out.tlsCaFile.isEmpty());
        QVERIFY(!out.tlsInsecure);
        QVERIFY(out.tlsPinSha256.isEmpty());
        // an existing TLS profile opens with its settings
        p.url = QUrl(QStringLiteral("rss://127.0.0.1:8444"));
        p.tlsCaFile = ca;
        p.tlsPinSha256 = pin;
        ui::ProfileDialog e(p);
        QVERIFY(!e.tlsBox()->isHidden());
        QCOMPARE(e.caFileEdit()->text(), ca);
        QCOMPARE(e.pinEdit()->text(), pin);
        QVERIFY(!e.insecureCheck()->isChecked());
        QCOMPARE(e.profile(), p);
    }

    void tlsRejectionShownInStatusBar()
    {
        // a wss router with a self-signed certificate
        QTemporaryDir dir;
        const testing::TestCertificate tc = testing::TestCertificate::generate(dir.path());
        QVERIFY2(tc.ok(), qPrintable(tc.error));
        const QString cert = tc.certificateFile;
        const QString key = tc.keyFile;
        router::RouterConfig cfg = router::RouterConfig::defaults();
        router::ListenerConfig lc;
        lc.url = QUrl(QStringLiteral("wss://127.0.0.1:0/ws"));
        lc.tls.certificateFile = cert;
        lc.tls.keyFile = key;
        cfg.listeners = {lc};
        router::RouterHost tlsRouter;
        const QUrl url = startHost(tlsRouter, cfg);
        QVERIFY2(url.isValid(), qPrintable(tlsRouter.snapshot().lastError));

        testing::WindowEnv env(freshSettingsPath());
        ui::MainWindow w(nullptr, env.options);
        ConnectionProfile p;
        p.id = ConnectionProfile::newId();
        p.name = QStringLiteral("Secure");
        p.url = url;
        Connection *c = w.addProfile(p);
        QVERIFY(c);
        w.selectConnection(c);
        c->open();
        QTRY_COMPARE_WITH_TIMEOUT(c->state(), Connection::State::Failed, 10000);
        // the status bar says which certificate was rejected and why
        const QString text = w.statusText();
        QVERIFY2(text.contains(QStringLiteral("Secure: failed: TLS certificate of 127.0.0.1:%1 rejected").arg(url.port())),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("CN=localhost")), qPrintable(text));
        // trusting the certificate as CA file in the profile lets it join
        p.tlsCaFile = cert;
        c->setProfile(p);
        c->open();
        QTRY_COMPARE_WITH_TIMEOUT(c->state(), Connection::State::Connected, 10000);
        QVERIFY2(w.statusText().contains(QStringLiteral("Secure: connected")), qPrintable(w.statusText()));
        c->close();
    }
};

QTEST_MAIN(TstWindowProfiles)
#include "tst_windowprofiles.moc"
