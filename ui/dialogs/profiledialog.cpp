// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiledialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace wb::ui {

using settings::ConnectionProfile;

ProfileDialog::ProfileDialog(const ConnectionProfile &p, QWidget *parent) : QDialog(parent), m_base(p)
{
    setWindowTitle(p.name.isEmpty() ? tr("New connection") : tr("Connection \"%1\"").arg(p.name));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(p.name, this);
    m_url = new QLineEdit(p.url.toString(), this);
    m_url->setPlaceholderText(QStringLiteral("ws://host:8080/ws, wss://…, rs://host:8081, rss://…, unix:///path"));
    m_realm = new QLineEdit(p.realm, this);
    m_serializer = new QComboBox(this);
    m_serializer->addItems({QStringLiteral("json"), QStringLiteral("msgpack"), QStringLiteral("cbor")});
    m_serializer->setCurrentText(p.serializer);
    m_authMethod = new QComboBox(this);
    m_authMethod->addItems(ConnectionProfile::knownAuthMethods());
    m_authMethod->setCurrentText(p.authMethod);
    m_authid = new QLineEdit(p.authid, this);
    m_authrole = new QLineEdit(p.authrole, this);
    m_authrole->setPlaceholderText(tr("(optional, as the router decides)"));
    m_secret = new QLineEdit(this);
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("(unchanged; asked for on connect if unknown)"));
    m_secretStorage = new QComboBox(this);
    m_secretStorage->addItem(tr("OS keychain"));
    m_secretStorage->addItem(tr("Memory, for this run only"));
    m_secretStorage->setCurrentIndex(p.secretStorage == ConnectionProfile::SecretStorage::Keychain ? 0 : 1);
    m_secretStorage->setToolTip(tr("Secrets are never written to the settings file or exported."));
    m_autoReconnect = new QCheckBox(tr("Reconnect automatically (exponential backoff)"), this);
    m_autoReconnect->setChecked(p.autoReconnect);
    m_connectOnStart = new QCheckBox(tr("Connect when Wampscope starts"), this);
    m_connectOnStart->setChecked(p.connectOnStart);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("&Realm:"), m_realm);
    form->addRow(tr("&Serializer:"), m_serializer);
    form->addRow(tr("&Auth method:"), m_authMethod);
    form->addRow(tr("Auth &ID:"), m_authid);
    form->addRow(tr("Auth r&ole:"), m_authrole);
    form->addRow(tr("S&ecret:"), m_secret);
    form->addRow(tr("Keep secret &in:"), m_secretStorage);
    form->addRow(QString(), m_autoReconnect);
    form->addRow(QString(), m_connectOnStart);
    layout->addLayout(form);

    // TLS trust: only for wss://, rss:// and tcps:// (the box is hidden for other URLs)
    m_tlsBox = new QGroupBox(tr("TLS (wss://, rss://, tcps://)"), this);
    auto *tlsForm = new QFormLayout(m_tlsBox);
    m_caFile = new QLineEdit(p.tlsCaFile, m_tlsBox);
    m_caFile->setPlaceholderText(tr("(optional) PEM file with the router's CA or its self-signed certificate"));
    auto *browse = new QPushButton(tr("&Browse…"), m_tlsBox);
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(browse);
    m_insecure = new QCheckBox(tr("Accept any certificate (insecure)"), m_tlsBox);
    m_insecure->setChecked(p.tlsInsecure);
    m_insecureWarning = new QLabel(tr("Warning: the router's identity is not checked at all (self-signed, unknown CA, "
                                      "wrong host name, expired). Anyone in between can read and change the traffic, "
                                      "including secrets. Use only for tests; prefer a CA file or a pin."),
                                   m_tlsBox);
    m_insecureWarning->setWordWrap(true);
    m_insecureWarning->setStyleSheet(QStringLiteral("color: #d9534f;"));
    m_pin = new QLineEdit(p.tlsPinSha256, m_tlsBox);
    m_pin->setPlaceholderText(tr("(optional) SHA-256 fingerprint, 64 hex digits, colons optional"));
    m_pin->setToolTip(tr("When set, only exactly this server certificate is accepted (even if self-signed)."));
    tlsForm->addRow(tr("&CA file:"), caRow);
    tlsForm->addRow(QString(), m_insecure);
    tlsForm->addRow(QString(), m_insecureWarning);
    tlsForm->addRow(tr("&Pin SHA-256:"), m_pin);
    layout->addWidget(m_tlsBox);
    connect(browse, &QPushButton::clicked, this, &ProfileDialog::browseCaFile);
    m_problems = new QLabel(this);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #d9534f;"));
    layout->addWidget(m_problems);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *e : {m_name, m_url, m_realm, m_authid, m_caFile, m_pin})
        connect(e, &QLineEdit::textChanged, this, &ProfileDialog::revalidate);
    connect(m_serializer, &QComboBox::currentTextChanged, this, &ProfileDialog::revalidate);
    connect(m_authMethod, &QComboBox::currentTextChanged, this, &ProfileDialog::revalidate);
    connect(m_insecure, &QCheckBox::toggled, this, &ProfileDialog::revalidate);
    revalidate();
    resize(520, sizeHint().height());
}

ConnectionProfile ProfileDialog::profile() const
{
    ConnectionProfile p = m_base;
    p.name = m_name->text().trimmed();
    p.url = QUrl(m_url->text().trimmed());
    p.realm = m_realm->text().trimmed();
    p.serializer = m_serializer->currentText();
    p.authMethod = m_authMethod->currentText();
    p.authid = m_authid->text().trimmed();
    p.authrole = m_authrole->text().trimmed();
    p.secretStorage = m_secretStorage->currentIndex() == 0 ? ConnectionProfile::SecretStorage::Keychain
                                                           : ConnectionProfile::SecretStorage::SessionOnly;
    p.autoReconnect = m_autoReconnect->isChecked();
    p.connectOnStart = m_connectOnStart->isChecked();
    // the TLS fields only belong to a TLS URL: switching to ws:// etc. drops them
    const bool tls = p.usesTls();
    p.tlsCaFile = tls ? m_caFile->text().trimmed() : QString();
    p.tlsInsecure = tls && m_insecure->isChecked();
    p.tlsPinSha256 = tls ? m_pin->text().trimmed() : QString();
    return p;
}

QString ProfileDialog::secret() const
{
    return m_secret->text();
}

QStringList ProfileDialog::problems() const
{
    return profile().validate();
}

void ProfileDialog::revalidate()
{
    const bool secretNeeded = profile().needsSecret();
    m_secret->setEnabled(secretNeeded);
    m_secret->setPlaceholderText(m_authMethod->currentText() == QStringLiteral("cryptosign")
                                     ? tr("Ed25519 private key: 64 hex digits (wampscope-cli keygen)")
                                     : tr("(unchanged; asked for on connect if unknown)"));
    m_secretStorage->setEnabled(secretNeeded);
    const bool tls = transport::isSecureUrl(QUrl(m_url->text().trimmed()));
    m_tlsBox->setVisible(tls);
    m_tlsBox->setEnabled(tls);
    m_insecureWarning->setVisible(m_insecure->isChecked());
    const QStringList p = problems();
    m_problems->setText(p.join(QLatin1Char('\n')));
    m_problems->setVisible(!p.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

void ProfileDialog::browseCaFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("CA certificate (PEM)"), m_caFile->text(),
                                                      tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
    if (!path.isEmpty())
        m_caFile->setText(path);
}

} // namespace wb::ui
