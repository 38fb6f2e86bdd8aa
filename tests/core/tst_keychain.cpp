// SPDX-License-Identifier: GPL-3.0-or-later
// The real QtKeychain store: every call answers (asynchronously) with a status the window understands, and
// without a keychain backend nothing is written in plaintext (QtKeychain's insecure QSettings fallback is off).

#include "settings/keychainsecretstore.h"

#include <QDirIterator>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

class TstKeychain : public QObject
{
    Q_OBJECT
private slots:
    void answersAndNeverPlaintext()
    {
        QTemporaryDir home;
        qputenv("XDG_CONFIG_HOME", home.path().toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("WampscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_keychain"));
        settings::KeychainSecretStore store(nullptr, QStringLiteral("WampscopeTest-%1").arg(QCoreApplication::applicationPid()));
        const QString key = QStringLiteral("profile-under-test");
        const QString secret = QStringLiteral("plaintext-canary-%1").arg(QCoreApplication::applicationPid());

        std::optional<settings::SecretResult> wrote;
        bool sync = true;
        store.writeSecret(key, secret, [&](const settings::SecretResult &r) { wrote = r; });
        sync = wrote.has_value();
        QVERIFY(!sync); // asynchronous
        QTRY_VERIFY_WITH_TIMEOUT(wrote.has_value(), 30000);
        qInfo() << "keychain write status" << int(wrote->status) << wrote->message;

        std::optional<settings::SecretResult> read;
        store.readSecret(key, [&](const settings::SecretResult &r) { read = r; });
        QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 30000);
        if (wrote->ok()) {
            QVERIFY(read->ok());
            QCOMPARE(read->secret, secret);
        } else {
            QVERIFY(!read->ok());
            QVERIFY(!read->message.isEmpty() || read->status == settings::SecretResult::Status::NotFound);
        }
        std::optional<settings::SecretResult> deleted;
        store.deleteSecret(key, [&](const settings::SecretResult &r) { deleted = r; });
        QTRY_VERIFY_WITH_TIMEOUT(deleted.has_value(), 30000);

        // nothing under the config home contains the secret
        QDirIterator it(home.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains(secret.toUtf8()), qPrintable(f.fileName()));
        }
        QSettings fallback; // where QtKeychain's insecure fallback would write
        QVERIFY(!fallback.allKeys().join(QLatin1Char(' ')).contains(key));
    }
};

QTEST_GUILESS_MAIN(TstKeychain)
#include "tst_keychain.moc"
