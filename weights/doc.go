// Package weights reads and writes model weights as named float32 tensors: safetensors files (read
// and write, the format PyTorch users load with safetensors.torch.load_file) and PyTorch .pth
// state_dicts (read only, through a restricted unpickler that accepts only the globals a state_dict
// needs, so a .pth can never run code). Match checks a set of tensors against the names and shapes a
// model expects. The package is model-agnostic and pure Go.
package weights
