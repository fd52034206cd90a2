#pragma once
// A fixed STS signing key and an eHealth holder certificate for the STS answer harness: the seed
// answers (made by make_sts_seeds) are signed with this key, so they verify on every run; the
// harness checks them at a fixed instant inside the assertions' validity. Test material only.
#include <string_view>

namespace ehagent::fuzz {

inline constexpr std::string_view sts_key_pem = R"(
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2eVlDvPACSX3A2PC
UIp5JeCZOQVlroCFNC2udkzFav+hRANCAAR4r4rK1K/7ELbNadqBnGkhiM7USjge
06HXN3/KqzYAAl4v9XZv72UM294t+QWtEntIL63G74/RoZJzBaFmiiKg
-----END PRIVATE KEY-----)";

inline constexpr std::string_view sts_certificate_pem = R"(
-----BEGIN CERTIFICATE-----
MIIB0DCCAXegAwIBAgIUVeIv5y9sBj2wEf+fwmWgVTrhL8owCgYIKoZIzj0EAwIw
PTELMAkGA1UEBhMCQkUxGzAZBgNVBAoMEkZlZGVyYWwgR292ZXJubWVudDERMA8G
A1UEAwwIRnV6eiBTVFMwIBcNMjYxMTIzMTE1MzQ1WhgPMjEyNjEwMzAxMTUzNDVa
MD0xCzAJBgNVBAYTAkJFMRswGQYDVQQKDBJGZWRlcmFsIEdvdmVybm1lbnQxETAP
BgNVBAMMCEZ1enogU1RTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeK+KytSv
+xC2zWnagZxpIYjO1Eo4HtOh1zd/yqs2AAJeL/V2b+9lDNveLfkFrRJ7SC+txu+P
0aGScwWhZooioKNTMFEwHQYDVR0OBBYEFBaG8mT1aL49QxePoxHxpS5zCXGRMB8G
A1UdIwQYMBaAFBaG8mT1aL49QxePoxHxpS5zCXGRMA8GA1UdEwEB/wQFMAMBAf8w
CgYIKoZIzj0EAwIDRwAwRAIgat2f/Xr9SCHIUwyDBxmHyt3tRKVJ2Ffn3X2EIrDm
yHUCIDE8M4AP57tKyqU8Uvwcl4zINwGkitBJvIzvHN+9B8Pr
-----END CERTIFICATE-----)";

inline constexpr std::string_view holder_certificate_pem = R"(
-----BEGIN CERTIFICATE-----
MIICxzCCAm2gAwIBAgIUFUblWCOqa/Ba2v1kfEcueMytArcwCgYIKoZIzj0EAwIw
gbcxCzAJBgNVBAYTAkJFMRswGQYDVQQKDBJGZWRlcmFsIEdvdmVybm1lbnQxITAf
BgNVBAsMGGVIZWFsdGgtcGxhdGZvcm0gQmVsZ2l1bTEPMA0GA1UECwwGRE9DVE9S
MSEwHwYDVQQLDBhOSUhJSS1OVU1CRVI9MTAwMTIzNzgwMDQxGTAXBgNVBAsMEFNT
SU49NzgwMzEyMTUyODAxGTAXBgNVBAMMEFNTSU49NzgwMzEyMTUyODAwIBcNMjYx
MTIzMTE1MzQ1WhgPMjEyNjEwMzAxMTUzNDVaMIG3MQswCQYDVQQGEwJCRTEbMBkG
A1UECgwSRmVkZXJhbCBHb3Zlcm5tZW50MSEwHwYDVQQLDBhlSGVhbHRoLXBsYXRm
b3JtIEJlbGdpdW0xDzANBgNVBAsMBkRPQ1RPUjEhMB8GA1UECwwYTklISUktTlVN
QkVSPTEwMDEyMzc4MDA0MRkwFwYDVQQLDBBTU0lOPTc4MDMxMjE1MjgwMRkwFwYD
VQQDDBBTU0lOPTc4MDMxMjE1MjgwMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
L8arnoLB0G58CEOy/tnHorZH8Qs3MJkVRxVhTpALVa2y6xRXTpm1lw3RGwbK5ZBw
FcpN/UnVvhlvcJhkiW3qc6NTMFEwHQYDVR0OBBYEFAv35cVYs4Xvj/oiCBCW2mPV
QElxMB8GA1UdIwQYMBaAFAv35cVYs4Xvj/oiCBCW2mPVQElxMA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAN7JFDPInhTBKh9TbbuCvSaew5VNeYSH
++cwvHJYEQSWAiAfDBFOqtsi91YhqGiewugnjuOLLzBma6fQP/Ntv+g+aA==
-----END CERTIFICATE-----)";

// Inside the seed assertions' validity (2027-06-01T00:00:00Z).
inline constexpr long long check_time_epoch_seconds = 1811808000;

}  // namespace ehagent::fuzz
