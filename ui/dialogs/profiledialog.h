// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Add or edit a connection profile. The secret field is handed back separately (never part of the profile).

#include "settings/connectionprofile.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;

namespace wb::ui {

class ProfileDialog : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileDialog)
public:
    explicit ProfileDialog(const settings::ConnectionProfile &profile, QWidget *parent = nullptr);

    settings::ConnectionProfile profile() const;
    /// The secret typed in (empty: unchanged).
    QString secret() const;
    /// Problems of the profile as entered (empty: OK is enabled).
    QStringList problems() const;

    // for tests
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *nameEdit() const { return m_name; }
    QGroupBox *tlsBox() const { return m_tlsBox; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QCheckBox *insecureCheck() const { return m_insecure; }
    QLineEdit *pinEdit() const { return m_pin; }
    QLabel *insecureWarning() const { return m_insecureWarning; }

private:
    void revalidate();
    void browseCaFile();

    settings::ConnectionProfile m_base;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QLineEdit *m_realm;
    QComboBox *m_serializer;
    QComboBox *m_authMethod;
    QLineEdit *m_authid;
    QLineEdit *m_authrole;
    QLineEdit *m_secret;
    QComboBox *m_secretStorage;
    QCheckBox *m_autoReconnect;
    QCheckBox *m_connectOnStart;
    QGroupBox *m_tlsBox;
    QLineEdit *m_caFile;
    QCheckBox *m_insecure;
    QLabel *m_insecureWarning;
    QLineEdit *m_pin;
    QLabel *m_problems;
    QDialogButtonBox *m_buttons;
};

} // namespace wb::ui
