package gpu

// ProvokeValidationError is exported for tests only.
var ProvokeValidationError = provokeValidationError
