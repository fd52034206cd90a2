#pragma once
// Each user's own SoftHSM token store, where `ehagent-install certs import` puts the eHealth
// keystore. SoftHSM's system store (/var/lib/softhsm/tokens) belongs to root, so an import by the
// practitioner failed there with CKR_GENERAL_ERROR. SoftHSM reads SOFTHSM2_CONF when a module is
// initialised: the agent and the installer point it at the user's store before any module loads,
// unless the environment already names a config (IT staff, tests).
#include <filesystem>

namespace ehagent::agent {

// $XDG_DATA_HOME/ehagent (default ~/.local/share/ehagent): softhsm2.conf and tokens/.
[[nodiscard]] std::filesystem::path userTokenStoreDir();

// Sets SOFTHSM2_CONF to the user's store config when it is unset and the store exists; with
// `create`, makes the store first (0700). Returns the config SoftHSM will read, empty for its
// system default. Call before the first module is loaded: SoftHSM reads it at C_Initialize.
std::filesystem::path selectUserTokenStore(bool create);

}  // namespace ehagent::agent
