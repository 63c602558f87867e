#pragma once
namespace kaonlab {
/// kaonlab version (project version from CMake).
const char* version();
}  // namespace kaonlab
