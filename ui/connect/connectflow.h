// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Connecting a profile that needs a secret: read it from the keychain, ask for it when it is missing, and when
// the keychain is unavailable offer to keep it in memory for this run. The window owns one ConnectFlow; the
// dialogs are replaceable by callbacks (tests), the window hears about notices and profile changes by signal.

#include "settings/connectionprofile.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

class QWidget;

namespace wb::client {
class Connection;
}
namespace wb::settings {
class SecretStore;
}

namespace wb::ui {

class ConnectFlow : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectFlow)
public:
    using AskSecret = std::function<std::optional<QString>(const settings::ConnectionProfile &)>;
    using AskKeepInMemory = std::function<bool(const settings::ConnectionProfile &, const QString &why)>;

    /// \a dialogParent: parent of the password dialog and message boxes used when a callback is not set.
    ConnectFlow(QWidget *dialogParent, settings::SecretStore *secrets, AskSecret askSecret,
                AskKeepInMemory askKeepInMemory, QObject *parent = nullptr);

    /// Connect, fetching the secret from the keychain (or asking) first when the auth method needs one.
    void connectTo(client::Connection *c);
    /// Give \a c its secret and write it to the keychain unless the profile keeps it for this session only.
    void storeSecret(client::Connection *c, const QString &secret);

signals:
    /// Something the user should see (keychain trouble).
    void notice(const QString &text);
    /// The flow changed \a c's profile (its secret storage fell back to "this session only").
    void profileChanged(wb::client::Connection *c);

private:
    void fallBackToMemory(client::Connection *c, const QString &why, std::function<void()> then);
    void promptAndOpen(client::Connection *c, bool writeToKeychain);

    QPointer<QWidget> m_dialogParent;
    settings::SecretStore *m_secrets;
    AskSecret m_askSecret;
    AskKeepInMemory m_askKeepInMemory;
};

} // namespace wb::ui
