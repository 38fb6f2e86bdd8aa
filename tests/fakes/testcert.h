// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Self-signed certificates for TLS tests, made with the openssl command (the Python twin is
// tests/interop/interop_common.py make_self_signed_cert).

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace wb::testing {

struct TestCertificate
{
    enum class Key { EcP256, Rsa2048 };

    QString certificateFile;
    QString keyFile;
    QString error; ///< why generate() failed (empty on success)

    bool ok() const { return error.isEmpty() && !certificateFile.isEmpty(); }
    /// SHA-256 of the DER certificate (for pin tests); empty when the file cannot be read.
    QByteArray sha256() const;

    /// Writes \a name.crt and \a name.key into \a dir: self-signed, valid two days, subject CN=\a commonName,
    /// subjectAltName \a san (openssl syntax).
    static TestCertificate generate(const QString &dir, const QString &san = QStringLiteral("IP:127.0.0.1,DNS:localhost"),
                                    const QString &commonName = QStringLiteral("localhost"), Key key = Key::EcP256,
                                    const QString &name = QStringLiteral("server"));
    /// Writes \a keyFile encrypted with AES-256 under \a passphrase to \a outFile.
    static bool encryptKey(const QString &keyFile, const QString &passphrase, const QString &outFile, QString *error = nullptr);
    /// Is the openssl command on PATH?
    static bool opensslAvailable();
    /// Runs openssl with \a args; false with its stderr in \a error on failure.
    static bool runOpenssl(const QStringList &args, QString *error = nullptr);
};

} // namespace wb::testing
