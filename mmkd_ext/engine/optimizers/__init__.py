from .role_optim_wrapper_constructor import RoleOptimWrapperConstructor

__all__ = ['RoleOptimWrapperConstructor']
