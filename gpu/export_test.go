package gpu

// ProvokeValidationError is exported for tests only.
var ProvokeValidationError = provokeValidationError

// SetLoaderName replaces the Vulkan loader's library name, for tests of a missing loader.
func SetLoaderName(name string) { loaderName = name }
