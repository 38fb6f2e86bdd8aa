// SPDX-License-Identifier: GPL-3.0-or-later
#include "guiprofiles.h"

#include "output.h"
#include "settings/keychainsecretstore.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

namespace wb::cli {

using settings::ConnectionProfile;

namespace {
// The keychain may wait for an unlock prompt; a script should not hang forever on it.
constexpr int kKeychainTimeoutMs = 30000;

/// On Linux every keychain QtKeychain knows (Secret Service, KWallet) is reached over the session D-Bus.
/// Without one QtKeychain 0.13 answers "Unknown error" rather than NoBackendAvailable; say what it means.
bool noKeychainPossible()
{
#ifdef Q_OS_LINUX
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return false;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return runtime.isEmpty() || !QFileInfo::exists(runtime + s("/bus"));
#else
    return false;
#endif
}
} // namespace

std::unique_ptr<QSettings> openGuiSettings()
{
    const QString file = qEnvironmentVariable("WAMPSCOPE_SETTINGS");
    if (!file.isEmpty())
        return std::make_unique<QSettings>(file, QSettings::IniFormat);
    // The scope app/main.cpp sets for the window (QSettings() there): not wampscope-cli's own names.
    return std::make_unique<QSettings>(QSettings::UserScope, s("Wampscope"), s("Wampscope"));
}

QString guiSettingsLocation()
{
    return openGuiSettings()->fileName();
}

QList<ConnectionProfile> loadGuiProfiles()
{
    const auto settings = openGuiSettings();
    return settings::ProfileStore(settings.get()).load();
}

Result<ConnectionProfile> findGuiProfile(const QString &nameOrId)
{
    const QList<ConnectionProfile> all = loadGuiProfiles();
    for (const ConnectionProfile &p : all) {
        if (p.id == nameOrId)
            return p;
    }
    QList<ConnectionProfile> named;
    for (const ConnectionProfile &p : all) {
        if (p.name == nameOrId)
            named << p;
    }
    if (named.size() == 1)
        return named.first();
    if (named.size() > 1) {
        QStringList ids;
        for (const ConnectionProfile &p : std::as_const(named))
            ids << p.id;
        return Result<ConnectionProfile>::failure(
            s("ambiguous"), s("%1 profiles are named '%2': give one of their ids instead: %3")
                                .arg(named.size())
                                .arg(nameOrId, ids.join(s(", "))));
    }
    if (all.isEmpty())
        return Result<ConnectionProfile>::failure(
            s("unknown"), s("unknown profile '%1': there are no saved profiles in %2").arg(nameOrId, guiSettingsLocation()));
    QStringList names;
    for (const ConnectionProfile &p : all)
        names << s("'%1'").arg(p.name);
    return Result<ConnectionProfile>::failure(
        s("unknown"), s("unknown profile '%1'; saved profiles: %2").arg(nameOrId, names.join(s(", "))));
}

Result<QString> readProfileSecret(const ConnectionProfile &profile)
{
    using Status = settings::SecretResult::Status;
    if (profile.secretStorage == ConnectionProfile::SecretStorage::SessionOnly)
        return Result<QString>::failure(
            s("session_only"), s("profile '%1' keeps its secret in the window's memory only: set WAMPSCOPE_SECRET").arg(profile.name));
    settings::KeychainSecretStore store;
    QEventLoop loop;
    std::optional<settings::SecretResult> answer;
    store.readSecret(profile.id, [&](const settings::SecretResult &r) {
        answer = r;
        loop.quit();
    });
    QTimer::singleShot(kKeychainTimeoutMs, &loop, &QEventLoop::quit);
    if (!answer)
        loop.exec();
    if (!answer)
        return Result<QString>::failure(
            s("timeout"), s("the keychain did not answer within %1 s: set WAMPSCOPE_SECRET").arg(kKeychainTimeoutMs / 1000));
    switch (answer->status) {
    case Status::Ok:
        if (answer->secret.isEmpty())
            break;
        return answer->secret;
    case Status::NotFound: break;
    case Status::NoBackend:
        return Result<QString>::failure(s("no_backend"), s("no keychain available: set WAMPSCOPE_SECRET (%1)").arg(answer->message));
    case Status::Error:
        if (noKeychainPossible())
            return Result<QString>::failure(s("no_backend"),
                                            s("no keychain available: set WAMPSCOPE_SECRET (there is no D-Bus session bus)"));
        return Result<QString>::failure(s("keychain"), s("the keychain refused the secret of profile '%1' (%2): set WAMPSCOPE_SECRET")
                                                            .arg(profile.name, answer->message));
    }
    return Result<QString>::failure(
        s("not_found"), s("profile '%1' has no secret in the keychain: save it in the window, or set WAMPSCOPE_SECRET").arg(profile.name));
}

} // namespace wb::cli
