// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakes/testcert.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QStandardPaths>

namespace wb::testing {

bool TestCertificate::opensslAvailable()
{
    return !QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty();
}

bool TestCertificate::runOpenssl(const QStringList &args, QString *error)
{
    QProcess p;
    p.start(QStringLiteral("openssl"), args);
    // Key generation is CPU work on a shared 2-core box: a generous bound, never a sleep.
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("openssl %1 failed: %2")
                         .arg(args.join(u' '), QString::fromLocal8Bit(p.readAllStandardError()) + p.errorString());
        return false;
    }
    return true;
}

TestCertificate TestCertificate::generate(const QString &dir, const QString &san, const QString &commonName, Key key,
                                          const QString &name)
{
    TestCertificate c;
    if (!opensslAvailable()) {
        c.error = QStringLiteral("the openssl command is needed to generate test certificates (bootstrap.sh installs it)");
        return c;
    }
    const QDir d(dir);
    const QString cert = d.filePath(name + QStringLiteral(".crt"));
    const QString keyFile = d.filePath(name + QStringLiteral(".key"));
    QStringList args{QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey")};
    if (key == Key::EcP256)
        args << QStringLiteral("ec") << QStringLiteral("-pkeyopt") << QStringLiteral("ec_paramgen_curve:prime256v1");
    else
        args << QStringLiteral("rsa:2048");
    args << QStringLiteral("-keyout") << keyFile << QStringLiteral("-out") << cert << QStringLiteral("-days")
         << QStringLiteral("2") << QStringLiteral("-nodes") << QStringLiteral("-subj") << (QStringLiteral("/CN=") + commonName)
         << QStringLiteral("-addext") << (QStringLiteral("subjectAltName=") + san);
    if (!runOpenssl(args, &c.error))
        return c;
    c.certificateFile = cert;
    c.keyFile = keyFile;
    return c;
}

bool TestCertificate::encryptKey(const QString &keyFile, const QString &passphrase, const QString &outFile, QString *error)
{
    return runOpenssl({QStringLiteral("pkey"), QStringLiteral("-in"), keyFile, QStringLiteral("-aes256"),
                       QStringLiteral("-passout"), QStringLiteral("pass:") + passphrase, QStringLiteral("-out"), outFile},
                      error);
}

QByteArray TestCertificate::sha256() const
{
    QFile f(certificateFile);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const auto certs = QSslCertificate::fromData(f.readAll());
    return certs.isEmpty() ? QByteArray() : certs.first().digest(QCryptographicHash::Sha256);
}

} // namespace wb::testing
